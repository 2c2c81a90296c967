import {
	ApproveInput,
	HideInput,
	RejectInput,
	type Review,
	ReviewId,
	type ReviewStatus,
} from "@bazaar/contracts/review";
import { sql } from "drizzle-orm";
import { ConflictError, NotFoundError } from "../lib/errors";
import { iso, type ReviewContext, reviewWrite } from "./context";
import { counted, loadReview, moveAggregate, recordChange, toReview } from "./records";

// A moderator's decisions (admin or the `moderator` role): approve (shown, counted), reject with a
// reason the author reads, hide one that was shown. Each is one transaction: the status, its
// history row, its bus event and the product's aggregate move together, so however many decisions
// run at once the aggregate is exactly the sum of the published reviews. A decision also closes
// the review's open reports (a moderator has looked at it). The same decision again changes nothing.

type Decision = "approve" | "reject" | "hide";

const TARGET: Record<Decision, ReviewStatus> = { approve: "published", reject: "rejected", hide: "hidden" };
/** The statuses each decision may be taken from (besides its own target, which is a no-op). */
const FROM: Record<Decision, ReviewStatus[]> = {
	approve: ["held", "rejected", "hidden"],
	reject: ["held", "published", "hidden"],
	hide: ["published", "held"],
};
const EVENT = { approve: "review.published", reject: "review.rejected", hide: "review.hidden" } as const;

export async function moderateReview(
	ctx: ReviewContext,
	id: string,
	decision: Decision,
	raw: unknown,
	actor: string,
): Promise<Review> {
	if (!ReviewId.safeParse(id).success) throw new NotFoundError("The review");
	const reason =
		decision === "reject"
			? RejectInput.parse(raw).reason
			: ((decision === "hide" ? HideInput : ApproveInput).parse(raw ?? {}).reason ?? null);
	const at = iso(ctx.now());
	const to = TARGET[decision];
	return reviewWrite(ctx, async (tx) => {
		const old = await loadReview(tx, id);
		if (!old) throw new NotFoundError("The review");
		if (old.status === to && old.open_reports === 0) return toReview(old);
		if (old.status !== to && !FROM[decision].includes(old.status)) {
			throw new ConflictError(
				`Review ${id} is ${old.status}; it cannot be ${decision === "hide" ? "hidden" : `${decision}d`}.`,
			);
		}
		// An approval says nothing new to the author; a rejection or hiding tells them why.
		const moderationReason = decision === "approve" ? null : reason;
		await tx.run(sql`UPDATE reviews SET status = ${to}, moderation_reason = ${moderationReason},
				hold_reasons = ${decision === "approve" ? "[]" : sql`hold_reasons`}, open_reports = 0, updated_at = ${at}
			WHERE id = ${id}`);
		const review = await loadReview(tx, id);
		if (!review) throw new Error(`review ${id} vanished inside its own transaction`);
		await recordChange(tx, review, { type: EVENT[decision], from: old.status, at, actor, reason });
		const out = counted(old);
		const into = counted(review);
		if (old.status !== review.status && (out !== null || into !== null)) {
			await moveAggregate(tx, review.product_id, { out, into, at });
		}
		return toReview(review);
	});
}

import { ReplyInput, ReportInput, type Review, ReviewId, type VoteResult } from "@bazaar/contracts/review";
import { sql } from "drizzle-orm";
import { emit } from "../bus/emit";
import { changes } from "../lib/db";
import { NotFoundError } from "../lib/errors";
import { iso, type ReviewContext, reviewWrite } from "./context";
import { ForbiddenError } from "./errors";
import { loadReview, moveAggregate, type ReviewRecord, recordChange, toReview } from "./records";

// What other people do with a published review: shoppers vote it helpful (once each) and report
// it (once each; it then shows in the moderators' "reported" queue), the merchant replies in
// public. Only a published review can be voted on or reported; anything else is a 404 to a shopper.

async function published(tx: Parameters<Parameters<typeof reviewWrite>[1]>[0], id: string): Promise<ReviewRecord> {
	if (!ReviewId.safeParse(id).success) throw new NotFoundError("The review");
	const review = await loadReview(tx, id);
	if (review?.status !== "published") throw new NotFoundError("The review");
	return review;
}

/** A helpful vote (`helpful: true`) or its withdrawal; one per customer, so repeats change nothing. */
export async function voteReview(
	ctx: ReviewContext,
	id: string,
	customerId: string,
	helpful: boolean,
): Promise<VoteResult> {
	const at = iso(ctx.now());
	return reviewWrite(ctx, async (tx) => {
		const review = await published(tx, id);
		if (review.customer_id === customerId) throw new ForbiddenError("You cannot vote on your own review.");
		const changed = helpful
			? changes(
					await tx.run(sql`INSERT INTO review_votes (review_id, customer_id, at) VALUES (${id}, ${customerId}, ${at})
					ON CONFLICT DO NOTHING`),
				)
			: changes(await tx.run(sql`DELETE FROM review_votes WHERE review_id = ${id} AND customer_id = ${customerId}`));
		let count = review.helpful_count;
		if (changed > 0) {
			const [row] = await tx.all<{ helpful_count: number }>(
				sql`UPDATE reviews SET helpful_count = helpful_count + ${helpful ? 1 : -1} WHERE id = ${id} RETURNING helpful_count`,
			);
			count = row?.helpful_count ?? count;
			await emit(tx, {
				type: "review.voted",
				source: "review",
				key: review.product_id,
				occurredAt: at,
				data: {
					reviewId: id,
					productId: review.product_id,
					customerId,
					status: review.status,
					rating: review.rating,
					actor: customerId,
					reason: helpful ? "helpful" : "withdrawn",
				},
			});
		}
		return { reviewId: id, helpfulCount: count, voted: helpful };
	});
}

/** A shopper reports a review; a second report by the same shopper changes nothing. */
export async function reportReview(
	ctx: ReviewContext,
	id: string,
	customerId: string,
	raw: ReportInput,
): Promise<{ reviewId: string; reported: true }> {
	const input = ReportInput.parse(raw);
	const at = iso(ctx.now());
	return reviewWrite(ctx, async (tx) => {
		const review = await published(tx, id);
		if (review.customer_id === customerId) throw new ForbiddenError("You cannot report your own review.");
		const added = changes(
			await tx.run(sql`INSERT INTO review_reports (review_id, customer_id, reason, note, at)
				VALUES (${id}, ${customerId}, ${input.reason}, ${input.note ?? null}, ${at}) ON CONFLICT DO NOTHING`),
		);
		if (added > 0) {
			await tx.run(sql`UPDATE reviews SET report_count = report_count + 1, open_reports = open_reports + 1,
				updated_at = ${at} WHERE id = ${id}`);
			await recordChange(tx, review, {
				type: "review.reported",
				from: review.status,
				at,
				actor: customerId,
				reason: input.reason,
			});
		}
		return { reviewId: id, reported: true as const };
	});
}

/**
 * The merchant's public reply (replaces an earlier one; `null` removes it). A reply to a shown
 * review is something shoppers see, so it moves the product's revision (the edge caches follow).
 */
export async function replyToReview(ctx: ReviewContext, id: string, raw: unknown, actor: string): Promise<Review> {
	if (!ReviewId.safeParse(id).success) throw new NotFoundError("The review");
	const body = raw === null ? null : ReplyInput.parse(raw).body;
	const at = iso(ctx.now());
	return reviewWrite(ctx, async (tx) => {
		const old = await loadReview(tx, id);
		if (!old) throw new NotFoundError("The review");
		await tx.run(sql`UPDATE reviews SET reply_body = ${body}, reply_at = ${body === null ? null : at},
			reply_by = ${body === null ? null : actor}, updated_at = ${at} WHERE id = ${id}`);
		const review = await loadReview(tx, id);
		if (!review) throw new Error(`review ${id} vanished inside its own transaction`);
		await recordChange(tx, review, {
			type: "review.replied",
			from: review.status,
			at,
			actor,
			reason: body === null ? "reply removed" : null,
		});
		if (review.status === "published") {
			await moveAggregate(tx, review.product_id, { out: review.rating, into: review.rating, at });
		}
		return toReview(review);
	});
}

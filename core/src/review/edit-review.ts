import { EditReviewInput, MAX_REVIEW_PHOTOS, type Review, ReviewId, type ReviewPhoto } from "@bazaar/contracts/review";
import { sql } from "drizzle-orm";
import { NotFoundError, ValidationError } from "../lib/errors";
import { iso, type ReviewContext, reviewWrite } from "./context";
import { storeReviewPhotos } from "./photos";
import { counted, loadReview, moveAggregate, recordChange, toReview } from "./records";
import { normalisedBody, screen } from "./screen";

/**
 * The author changes their review. It passes the automatic screen again: a published review that
 * now trips it is held; a clean edit of a published one stays published, and the product's
 * aggregate moves from the old rating to the new one in the same transaction (exact). A review a
 * moderator rejected or hid goes back to the queue (held) rather than straight back on the page.
 * Someone else's review is a 404.
 */
export async function editReview(
	ctx: ReviewContext,
	id: string,
	raw: EditReviewInput,
	customerId: string,
): Promise<Review> {
	if (!ReviewId.safeParse(id).success) throw new NotFoundError("The review");
	const input = EditReviewInput.parse(raw);
	const before = await loadReview(ctx.database.db, id);
	if (!before || before.customer_id !== customerId) throw new NotFoundError("The review");
	const current = JSON.parse(before.photos) as ReviewPhoto[];
	const kept = input.keepPhotos ? current.filter((p) => input.keepPhotos?.includes(p.full.hash)) : current;
	if (kept.length + input.addPhotos.length > MAX_REVIEW_PHOTOS) {
		throw new ValidationError(`A review has at most ${MAX_REVIEW_PHOTOS} photos.`, [
			{
				path: "addPhotos",
				message: `${kept.length} kept + ${input.addPhotos.length} new is more than ${MAX_REVIEW_PHOTOS}`,
			},
		]);
	}
	const added = storeReviewPhotos(ctx.imagesDir, input.addPhotos);
	const photos = [...kept, ...added];
	const at = iso(ctx.now());

	return reviewWrite(ctx, async (tx) => {
		const old = await loadReview(tx, id);
		if (!old || old.customer_id !== customerId) throw new NotFoundError("The review");
		const title = input.title ?? old.title;
		const body = input.body ?? old.body;
		const rating = input.rating ?? old.rating;
		const copies = await tx.all(
			sql`SELECT 1 FROM reviews WHERE product_id = ${old.product_id} AND id <> ${id}
				AND lower(trim(body)) = ${normalisedBody(body)} LIMIT 1`,
		);
		const holdReasons = screen([title, body], { sameAsAnother: copies.length > 0 });
		// Held until a moderator looks: anything the screen flags, and anything a moderator took down.
		const moderated = old.status === "rejected" || old.status === "hidden";
		const stillHeldByModerator = old.status === "held" && old.moderation_reason !== null;
		const status = holdReasons.length > 0 || moderated || stillHeldByModerator ? "held" : "published";
		await tx.run(sql`UPDATE reviews SET rating = ${rating}, title = ${title}, body = ${body},
				photos = ${JSON.stringify(photos)}, status = ${status}, hold_reasons = ${JSON.stringify(holdReasons)},
				updated_at = ${at}, edited_at = ${at}
			WHERE id = ${id}`);
		const review = await loadReview(tx, id);
		if (!review) throw new Error(`review ${id} vanished inside its own transaction`);
		await recordChange(tx, review, {
			type: "review.edited",
			from: old.status,
			at,
			actor: customerId,
			reason: holdReasons.length > 0 ? `held automatically: ${holdReasons.join(", ")}` : null,
		});
		const out = counted(old);
		const into = counted(review);
		if (out !== null || into !== null) await moveAggregate(tx, review.product_id, { out, into, at });
		return toReview(review);
	});
}

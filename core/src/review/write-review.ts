import { type Review, WriteReviewInput } from "@bazaar/contracts/review";
import { newId } from "@bazaar/ids";
import { sql } from "drizzle-orm";
import { ConflictError, isUniqueViolation } from "../lib/errors";
import { iso, type ReviewContext, reviewWrite } from "./context";
import { ForbiddenError } from "./errors";
import { storeReviewPhotos } from "./photos";
import { counted, loadReview, moveAggregate, recordChange, toReview } from "./records";
import { normalisedBody, screen } from "./screen";

export interface Author {
	customerId: string;
	/** As shown beside the review ("Ada L."). */
	name: string;
}

/**
 * A customer's review of a product they received (a delivered order line, recorded from
 * order.delivered). One per product per customer: a second is a 409 (the first is edited instead),
 * also under concurrency (a UNIQUE index). The automatic screen publishes it or holds it for a
 * moderator; a published one joins the product's aggregate in the same transaction.
 */
export async function writeReview(ctx: ReviewContext, raw: WriteReviewInput, author: Author): Promise<Review> {
	const input = WriteReviewInput.parse(raw);
	const db = ctx.database.db;
	// Refusals first, so a refused review stores no photo.
	const [bought] = await db.all<{ order_id: string }>(
		sql`SELECT order_id FROM review_purchases WHERE customer_id = ${author.customerId} AND product_id = ${input.productId} LIMIT 1`,
	);
	if (!bought) {
		throw new ForbiddenError("Only a customer whose order of this product was delivered can review it.");
	}
	if (await alreadyReviewed(db, author.customerId, input.productId)) throw duplicate();
	const photos = storeReviewPhotos(ctx.imagesDir, input.photos);

	const id = newId("rev");
	const at = iso(ctx.now());
	return reviewWrite(ctx, async (tx) => {
		const [purchase] = await tx.all<{ order_id: string; product_slug: string; product_title: string }>(
			sql`SELECT order_id, product_slug, product_title FROM review_purchases
				WHERE customer_id = ${author.customerId} AND product_id = ${input.productId}
				ORDER BY delivered_at DESC LIMIT 1`,
		);
		if (!purchase) throw new ForbiddenError("Only a customer whose order of this product was delivered can review it.");
		const copies = await tx.all(
			sql`SELECT 1 FROM reviews WHERE product_id = ${input.productId} AND lower(trim(body)) = ${normalisedBody(input.body)} LIMIT 1`,
		);
		const holdReasons = screen([input.title, input.body], { sameAsAnother: copies.length > 0 });
		const status = holdReasons.length > 0 ? "held" : "published";
		try {
			await tx.run(sql`INSERT INTO reviews (id, product_id, customer_id, order_id, product_slug, product_title,
					author_name, rating, title, body, photos, status, hold_reasons, created_at, updated_at)
				VALUES (${id}, ${input.productId}, ${author.customerId}, ${purchase.order_id}, ${purchase.product_slug},
					${purchase.product_title}, ${author.name}, ${input.rating}, ${input.title}, ${input.body},
					${JSON.stringify(photos)}, ${status}, ${JSON.stringify(holdReasons)}, ${at}, ${at})`);
		} catch (err) {
			if (isUniqueViolation(err)) throw duplicate();
			throw err;
		}
		const review = await loadReview(tx, id);
		if (!review) throw new Error(`review ${id} vanished inside its own transaction`);
		await recordChange(tx, review, {
			type: "review.submitted",
			from: null,
			at,
			actor: author.customerId,
			reason: holdReasons.length > 0 ? `held automatically: ${holdReasons.join(", ")}` : null,
		});
		const rating = counted(review);
		if (rating !== null) await moveAggregate(tx, review.product_id, { out: null, into: rating, at });
		return toReview(review);
	});
}

async function alreadyReviewed(db: ReviewContext["database"]["db"], customerId: string, productId: string) {
	const rows = await db.all(
		sql`SELECT 1 FROM reviews WHERE customer_id = ${customerId} AND product_id = ${productId} LIMIT 1`,
	);
	return rows.length > 0;
}

const duplicate = () => new ConflictError("You have already reviewed this product; edit that review instead.");

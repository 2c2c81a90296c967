import type {
	HoldReason,
	PublicReview,
	RatingSummary,
	Review,
	ReviewEventType,
	ReviewPhoto,
	ReviewStatus,
} from "@bazaar/contracts/review";
import { sql } from "drizzle-orm";
import { emit } from "../bus/emit";
import type { TxDb } from "../lib/db";

// Rows ↔ contracts, and the two things every change of a review does in its transaction: the
// exact aggregate of the product (integers in product_ratings, moved by the review's own rating)
// and the history row plus bus event of a change of status.

export interface ReviewRecord {
	id: string;
	product_id: string;
	customer_id: string;
	order_id: string;
	product_slug: string;
	product_title: string;
	author_name: string;
	rating: number;
	title: string;
	body: string;
	photos: string;
	status: ReviewStatus;
	hold_reasons: string;
	moderation_reason: string | null;
	helpful_count: number;
	report_count: number;
	open_reports: number;
	reply_body: string | null;
	reply_at: string | null;
	created_at: string;
	updated_at: string;
	edited_at: string | null;
}

export const REVIEW_COLUMNS = sql.raw(
	"id, product_id, customer_id, order_id, product_slug, product_title, author_name, rating, title, body, photos, status, hold_reasons, moderation_reason, helpful_count, report_count, open_reports, reply_body, reply_at, created_at, updated_at, edited_at",
);

export function toPublic(r: ReviewRecord): PublicReview {
	return {
		id: r.id,
		productId: r.product_id,
		authorName: r.author_name,
		verifiedPurchase: true,
		rating: r.rating,
		title: r.title,
		body: r.body,
		photos: JSON.parse(r.photos) as ReviewPhoto[],
		helpfulCount: r.helpful_count,
		reply: r.reply_body !== null && r.reply_at !== null ? { body: r.reply_body, at: r.reply_at } : null,
		createdAt: r.created_at,
		editedAt: r.edited_at,
	};
}

export function toReview(r: ReviewRecord): Review {
	return {
		...toPublic(r),
		customerId: r.customer_id,
		orderId: r.order_id,
		productSlug: r.product_slug,
		productTitle: r.product_title,
		status: r.status,
		holdReasons: JSON.parse(r.hold_reasons) as HoldReason[],
		moderationReason: r.moderation_reason,
		reportCount: r.report_count,
		updatedAt: r.updated_at,
	};
}

export async function loadReview(db: Pick<TxDb, "all">, id: string): Promise<ReviewRecord | undefined> {
	const [row] = await db.all<ReviewRecord>(sql`SELECT ${REVIEW_COLUMNS} FROM reviews WHERE id = ${id}`);
	return row;
}

interface RatingRow {
	product_id: string;
	count: number;
	sum: number;
	stars_1: number;
	stars_2: number;
	stars_3: number;
	stars_4: number;
	stars_5: number;
	revision: number;
}

export function toSummary(productId: string, row: RatingRow | undefined): RatingSummary {
	if (!row) return { productId, count: 0, average: null, histogram: [0, 0, 0, 0, 0], revision: 0 };
	return {
		productId,
		count: row.count,
		average: row.count === 0 ? null : Math.round((row.sum * 100) / row.count) / 100,
		histogram: [row.stars_1, row.stars_2, row.stars_3, row.stars_4, row.stars_5],
		revision: row.revision,
	};
}

export async function loadSummary(db: Pick<TxDb, "all">, productId: string): Promise<RatingSummary> {
	const [row] = await db.all<RatingRow>(sql`SELECT * FROM product_ratings WHERE product_id = ${productId}`);
	return toSummary(productId, row);
}

/**
 * Moves the product's aggregate: `out` leaves it (a published review hidden, rejected, edited
 * away from its old rating), `into` joins it; either may be null. Every call bumps the revision
 * (what shoppers see changed) and puts the new aggregate on the bus (review.rating_changed),
 * which the catalog copies, bumping the catalog version that keys every edge cache.
 */
export async function moveAggregate(
	tx: TxDb,
	productId: string,
	change: { out: number | null; into: number | null; at: string },
): Promise<RatingSummary> {
	const d = [0, 0, 0, 0, 0, 0];
	let count = 0;
	let sum = 0;
	if (change.out !== null) {
		d[change.out] = (d[change.out] ?? 0) - 1;
		count -= 1;
		sum -= change.out;
	}
	if (change.into !== null) {
		d[change.into] = (d[change.into] ?? 0) + 1;
		count += 1;
		sum += change.into;
	}
	// The zero row first: a CHECK is evaluated on an INSERT's values before ON CONFLICT applies.
	await tx.run(sql`INSERT INTO product_ratings (product_id) VALUES (${productId}) ON CONFLICT DO NOTHING`);
	const [row] = await tx.all<RatingRow>(sql`UPDATE product_ratings SET count = count + ${count}, sum = sum + ${sum},
			stars_1 = stars_1 + ${d[1]}, stars_2 = stars_2 + ${d[2]}, stars_3 = stars_3 + ${d[3]},
			stars_4 = stars_4 + ${d[4]}, stars_5 = stars_5 + ${d[5]}, revision = revision + 1
		WHERE product_id = ${productId} RETURNING *`);
	const summary = toSummary(productId, row);
	await emit(tx, {
		type: "review.rating_changed",
		source: "review",
		key: productId,
		occurredAt: change.at,
		data: summary,
	});
	return summary;
}

/** The history row and the bus event of a review that just changed (`type` names the change). */
export async function recordChange(
	tx: TxDb,
	review: ReviewRecord,
	change: { type: ReviewEventType; from: ReviewStatus | null; at: string; actor: string; reason?: string | null },
): Promise<void> {
	if (change.from !== review.status || change.from === null) {
		await tx.run(sql`INSERT INTO review_history (review_id, from_status, to_status, at, actor, reason)
			VALUES (${review.id}, ${change.from}, ${review.status}, ${change.at}, ${change.actor}, ${change.reason ?? null})`);
	}
	await emit(tx, {
		type: change.type,
		source: "review",
		key: review.product_id,
		occurredAt: change.at,
		data: {
			reviewId: review.id,
			productId: review.product_id,
			customerId: review.customer_id,
			status: review.status,
			rating: review.rating,
			actor: change.actor,
			reason: change.reason ?? null,
		},
	});
}

/** The rating a review counts with in its product's aggregate: only a published one counts. */
export const counted = (r: Pick<ReviewRecord, "status" | "rating">) => (r.status === "published" ? r.rating : null);

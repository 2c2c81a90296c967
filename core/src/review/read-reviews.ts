import { decodeCursor, toPage } from "@bazaar/contracts/list";
import {
	type QueueQuery,
	type Review,
	type ReviewableList,
	type ReviewDetail,
	ReviewId,
	type ReviewPage,
	ReviewQuery,
	type ReviewSort,
	type StaffReviewPage,
} from "@bazaar/contracts/review";
import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { NotFoundError, ValidationError } from "../lib/errors";
import type { ReviewContext } from "./context";
import { loadReview, loadSummary, REVIEW_COLUMNS, type ReviewRecord, toPublic, toReview } from "./records";

// Reads. Every list is one keyset-paginated query on an index that matches its filter and order
// (no OFFSET: page 500 costs what page 1 does); the cursor is the shared list cursor
// (packages/contracts/src/list.ts) of the last row's sort key and id.

const SORTS: Record<ReviewSort, { key: string; dir: "DESC" | "ASC" }> = {
	newest: { key: "created_at", dir: "DESC" },
	helpful: { key: "helpful_count", dir: "DESC" },
	rating_desc: { key: "rating", dir: "DESC" },
	rating_asc: { key: "rating", dir: "ASC" },
};

/** A page's sort key (a time, a count or a rating) and id, as the shared cursor carries them. */
const ReviewCursorKey = z.tuple([z.union([z.string().max(128), z.number().int()]), ReviewId]);

function resumeAfter(cursor: string): [string | number, string] {
	const key = ReviewCursorKey.safeParse(decodeCursor(cursor));
	if (key.success) return key.data;
	throw new ValidationError("The cursor is not one this list gave out.", [
		{ path: "cursor", message: "unknown cursor" },
	]);
}

/** The published reviews of a product with its exact aggregate; anyone may read them. */
export async function listProductReviews(
	ctx: ReviewContext,
	productId: string,
	raw: Record<string, string>,
): Promise<ReviewPage> {
	const q = ReviewQuery.parse(raw);
	const sort = SORTS[q.sort];
	const key = sql.raw(sort.key);
	const dir = sql.raw(sort.dir);
	const cmp = sql.raw(sort.dir === "DESC" ? "<" : ">");
	const filters: SQL[] = [sql`product_id = ${productId}`, sql`status = 'published'`];
	if (q.stars !== undefined) filters.push(sql`rating = ${q.stars}`);
	if (q.cursor) {
		const [k, id] = resumeAfter(q.cursor);
		filters.push(sql`(${key}, id) ${cmp} (${k}, ${id})`);
	}
	const db = ctx.database.db;
	const [rows, summary] = await Promise.all([
		db.all<ReviewRecord>(sql`SELECT ${REVIEW_COLUMNS} FROM reviews WHERE ${sql.join(filters, sql` AND `)}
			ORDER BY ${key} ${dir}, id ${dir} LIMIT ${q.limit + 1}`),
		loadSummary(db, productId),
	]);
	return { ...toPage(rows, q.limit, (r) => [r[sort.key as "rating"], r.id], toPublic), summary };
}

/** The moderators' queue: oldest first, so nothing waits forever behind new arrivals. */
export async function listQueue(ctx: ReviewContext, q: QueueQuery): Promise<StaffReviewPage> {
	const filters: SQL[] = [q.filter === "reported" ? sql`open_reports > 0` : sql`status = ${q.filter}`];
	if (q.cursor) {
		const [k, id] = resumeAfter(q.cursor);
		filters.push(sql`(updated_at, id) > (${String(k)}, ${id})`);
	}
	const rows = await ctx.database.db.all<ReviewRecord>(sql`SELECT ${REVIEW_COLUMNS} FROM reviews
		WHERE ${sql.join(filters, sql` AND `)} ORDER BY updated_at ASC, id ASC LIMIT ${q.limit + 1}`);
	return toPage(rows, q.limit, (r) => [r.updated_at, r.id], toReview);
}

/** One review with its history and reports (staff). */
export async function getReviewDetail(ctx: ReviewContext, id: string): Promise<ReviewDetail> {
	if (!ReviewId.safeParse(id).success) throw new NotFoundError("The review");
	const db = ctx.database.db;
	const review = await loadReview(db, id);
	if (!review) throw new NotFoundError("The review");
	const [history, reports] = await Promise.all([
		db.all<{ from_status: string | null; to_status: string; at: string; actor: string; reason: string | null }>(
			sql`SELECT from_status, to_status, at, actor, reason FROM review_history WHERE review_id = ${id} ORDER BY id`,
		),
		db.all<{ reason: string; note: string | null; at: string }>(
			sql`SELECT reason, note, at FROM review_reports WHERE review_id = ${id} ORDER BY at`,
		),
	]);
	return detailOf(toReview(review), history, reports);
}

function detailOf(
	review: Review,
	history: { from_status: string | null; to_status: string; at: string; actor: string; reason: string | null }[],
	reports: { reason: string; note: string | null; at: string }[],
): ReviewDetail {
	return {
		...review,
		history: history.map((h) => ({
			from: h.from_status as Review["status"] | null,
			to: h.to_status as Review["status"],
			at: h.at,
			actor: h.actor,
			reason: h.reason,
		})),
		reports: reports.map((r) => ({
			reason: r.reason as ReviewDetail["reports"][number]["reason"],
			note: r.note,
			at: r.at,
		})),
	};
}

/** The author's own review, in whatever state it is (theirs only: anyone else's is a 404). */
export async function getOwnReview(ctx: ReviewContext, id: string, customerId: string): Promise<Review> {
	if (!ReviewId.safeParse(id).success) throw new NotFoundError("The review");
	const review = await loadReview(ctx.database.db, id);
	if (!review || review.customer_id !== customerId) throw new NotFoundError("The review");
	return toReview(review);
}

/**
 * What the customer may review: each product of theirs that was delivered (the latest order of
 * it), with their review if they wrote one. `orderId` narrows it to one order (the order page).
 */
export async function listReviewable(
	ctx: ReviewContext,
	customerId: string,
	options: { orderId?: string; productId?: string } = {},
): Promise<ReviewableList> {
	const filters: SQL[] = [sql`p.customer_id = ${customerId}`];
	if (options.orderId) filters.push(sql`p.order_id = ${options.orderId}`);
	if (options.productId) filters.push(sql`p.product_id = ${options.productId}`);
	const rows = await ctx.database.db.all<{
		product_id: string;
		product_slug: string;
		product_title: string;
		order_id: string;
		delivered_at: string;
		review_id: string | null;
	}>(sql`SELECT p.product_id, p.product_slug, p.product_title, p.order_id, max(p.delivered_at) AS delivered_at,
			r.id AS review_id
		FROM review_purchases p LEFT JOIN reviews r ON r.product_id = p.product_id AND r.customer_id = p.customer_id
		WHERE ${sql.join(filters, sql` AND `)}
		GROUP BY p.product_id ORDER BY delivered_at DESC LIMIT 200`);
	const ids = rows.flatMap((r) => (r.review_id ? [r.review_id] : []));
	const reviews = new Map<string, Review>();
	if (ids.length > 0) {
		const found = await ctx.database.db.all<ReviewRecord>(
			sql`SELECT ${REVIEW_COLUMNS} FROM reviews WHERE id IN (${sql.join(
				ids.map((id) => sql`${id}`),
				sql`, `,
			)})`,
		);
		for (const r of found) reviews.set(r.id, toReview(r));
	}
	return {
		items: rows.map((r) => ({
			productId: r.product_id,
			productSlug: r.product_slug,
			productTitle: r.product_title,
			orderId: r.order_id,
			deliveredAt: r.delivered_at,
			review: (r.review_id && reviews.get(r.review_id)) || null,
		})),
	};
}

import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { busInbox, busOutbox } from "../bus/schema";

// The review module's own database. Timestamps are ISO-8601 UTC strings (same width, so they
// sort as text). What it knows of orders and products comes from the bus (order.delivered, with
// the catalog's names of the products), never from their tables.

/** A delivered order line of a product: what entitles a customer to review it. */
export const purchases = sqliteTable(
	"review_purchases",
	{
		customerId: text("customer_id").notNull(),
		productId: text("product_id").notNull(),
		orderId: text("order_id").notNull(),
		productSlug: text("product_slug").notNull(),
		productTitle: text("product_title").notNull(),
		deliveredAt: text("delivered_at").notNull(),
	},
	(t) => [
		primaryKey({ columns: [t.customerId, t.productId, t.orderId] }),
		index("review_purchases_order_idx").on(t.orderId),
	],
);

export const reviews = sqliteTable(
	"reviews",
	{
		id: text("id").primaryKey(),
		productId: text("product_id").notNull(),
		customerId: text("customer_id").notNull(),
		orderId: text("order_id").notNull(),
		productSlug: text("product_slug").notNull(),
		productTitle: text("product_title").notNull(),
		authorName: text("author_name").notNull(),
		rating: integer("rating").notNull(),
		title: text("title").notNull(),
		body: text("body").notNull(),
		/** ReviewPhoto[] as JSON. */
		photos: text("photos").notNull(),
		status: text("status").notNull(),
		/** HoldReason[] as JSON. */
		holdReasons: text("hold_reasons").notNull(),
		moderationReason: text("moderation_reason"),
		helpfulCount: integer("helpful_count").notNull().default(0),
		reportCount: integer("report_count").notNull().default(0),
		/** Reports not yet looked at by a moderator (the queue's "reported" filter). */
		openReports: integer("open_reports").notNull().default(0),
		replyBody: text("reply_body"),
		replyAt: text("reply_at"),
		replyBy: text("reply_by"),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
		editedAt: text("edited_at"),
	},
	(t) => [
		// One review per product per customer: a second one is a 409 (edit the first).
		uniqueIndex("reviews_product_customer_uq").on(t.productId, t.customerId),
		// The public list's sorts, each on the published reviews of one product.
		index("reviews_product_newest_idx").on(t.productId, t.status, t.createdAt, t.id),
		index("reviews_product_helpful_idx").on(t.productId, t.status, t.helpfulCount, t.id),
		index("reviews_product_rating_idx").on(t.productId, t.status, t.rating, t.id),
		index("reviews_customer_idx").on(t.customerId, t.id),
		// The moderators' queue.
		index("reviews_status_idx").on(t.status, t.updatedAt, t.id),
		index("reviews_reported_idx").on(t.openReports, t.updatedAt, t.id),
		check("reviews_rating_ck", sql`${t.rating} BETWEEN 1 AND 5`),
		check("reviews_status_ck", sql`${t.status} IN ('published', 'held', 'rejected', 'hidden')`),
		check("reviews_counts_ck", sql`${t.helpfulCount} >= 0 AND ${t.reportCount} >= 0 AND ${t.openReports} >= 0`),
	],
);

/** Every change of status: when, who, why. A review's first row has from = NULL. */
export const reviewHistory = sqliteTable(
	"review_history",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		reviewId: text("review_id").notNull(),
		fromStatus: text("from_status"),
		toStatus: text("to_status").notNull(),
		at: text("at").notNull(),
		actor: text("actor").notNull(),
		reason: text("reason"),
	},
	(t) => [index("review_history_review_idx").on(t.reviewId, t.id)],
);

/** One helpful vote per customer per review. */
export const reviewVotes = sqliteTable(
	"review_votes",
	{
		reviewId: text("review_id").notNull(),
		customerId: text("customer_id").notNull(),
		at: text("at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.reviewId, t.customerId] })],
);

/** One report per customer per review. */
export const reviewReports = sqliteTable(
	"review_reports",
	{
		reviewId: text("review_id").notNull(),
		customerId: text("customer_id").notNull(),
		reason: text("reason").notNull(),
		note: text("note"),
		at: text("at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.reviewId, t.customerId] })],
);

/**
 * The exact aggregate of each product's published reviews, changed in the same transaction as
 * the review that moves it (integers only: no drift). `revision` counts every change shoppers
 * can see, so a copy elsewhere (the catalog) takes only a newer one.
 */
export const productRatings = sqliteTable(
	"product_ratings",
	{
		productId: text("product_id").primaryKey(),
		count: integer("count").notNull().default(0),
		sum: integer("sum").notNull().default(0),
		stars1: integer("stars_1").notNull().default(0),
		stars2: integer("stars_2").notNull().default(0),
		stars3: integer("stars_3").notNull().default(0),
		stars4: integer("stars_4").notNull().default(0),
		stars5: integer("stars_5").notNull().default(0),
		revision: integer("revision").notNull().default(0),
	},
	(t) => [
		check(
			"product_ratings_ck",
			sql`${t.count} >= 0 AND ${t.count} = ${t.stars1} + ${t.stars2} + ${t.stars3} + ${t.stars4} + ${t.stars5}`,
		),
	],
);

// Re-exported so drizzle-kit generates the bus tables into this module's migrations.
export { busInbox, busOutbox };

export const reviewSchema = {
	purchases,
	reviews,
	reviewHistory,
	reviewVotes,
	reviewReports,
	productRatings,
	busOutbox,
	busInbox,
};
export type ReviewSchema = typeof reviewSchema;

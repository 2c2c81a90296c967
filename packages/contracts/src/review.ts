import { z } from "zod";
import { CursorText, listPage } from "./list";

// The review module's requests, responses and events (issue 12). Types are inferred from these
// schemas, never written twice. Every text a shopper writes is plain text: pages escape it.

export const ReviewId = z
	.string()
	.max(40)
	.regex(/^rev_[0-9A-Z]{26}$/, "a review id such as rev_01H…");

const ProductIdParam = z
	.string()
	.min(1)
	.max(64)
	.regex(/^[A-Za-z0-9_-]+$/, "a product id");

/**
 * - `published`: shown, counted in the aggregate.
 * - `held`: kept back for a moderator (the automatic screen found a link, profanity or repeated
 *   text, or an edit of a rejected or hidden review waits to be looked at again).
 * - `rejected`: refused by a moderator, with a reason the author reads.
 * - `hidden`: taken down by a moderator after it was shown (reports, a change of mind).
 */
export const REVIEW_STATUSES = ["published", "held", "rejected", "hidden"] as const;
export const ReviewStatus = z.enum(REVIEW_STATUSES);
export type ReviewStatus = z.infer<typeof ReviewStatus>;

export const HOLD_REASONS = ["link", "profanity", "repeated_text"] as const;
export const HoldReason = z.enum(HOLD_REASONS);
export type HoldReason = z.infer<typeof HoldReason>;

export const MAX_REVIEW_PHOTOS = 4;
/** Bytes of one uploaded photo as sent (before it is decoded and re-encoded). */
export const MAX_REVIEW_PHOTO_BYTES = 2 * 1024 * 1024;
export const REVIEW_PHOTO_TYPES = ["image/png", "image/jpeg"] as const;

/** One stored photo: content-addressed PNG files (thumb and full), served at /img/<hash>.png. */
export const ReviewPhoto = z.object({
	thumb: z.object({ hash: z.string(), width: z.number().int(), height: z.number().int() }),
	full: z.object({ hash: z.string(), width: z.number().int(), height: z.number().int() }),
});
export type ReviewPhoto = z.infer<typeof ReviewPhoto>;

/** What a shopper uploads: the file's bytes (base64) and the type it claims; both are checked. */
export const ReviewPhotoUpload = z.strictObject({
	contentType: z.enum(REVIEW_PHOTO_TYPES, { message: "a PNG or JPEG image" }),
	/** Bounded loosely here (base64 may carry line breaks); the decoded size is checked exactly: 413. */
	dataBase64: z
		.string()
		.min(1)
		.max(MAX_REVIEW_PHOTO_BYTES * 2, `at most ${MAX_REVIEW_PHOTO_BYTES / 1024 / 1024} MB`),
});
export type ReviewPhotoUpload = z.infer<typeof ReviewPhotoUpload>;

export const Rating = z.number().int().min(1).max(5);
const Title = z.string().trim().min(1).max(120);
const Body = z.string().trim().min(1).max(5_000);

export const WriteReviewInput = z.strictObject({
	productId: ProductIdParam,
	rating: Rating,
	title: Title,
	body: Body,
	photos: z.array(ReviewPhotoUpload).max(MAX_REVIEW_PHOTOS, `at most ${MAX_REVIEW_PHOTOS} photos`).default([]),
});
export type WriteReviewInput = z.input<typeof WriteReviewInput>;

/** An edit replaces what it names; `photos` (when given) replaces them all, `keepPhotos` keeps some. */
export const EditReviewInput = z
	.strictObject({
		rating: Rating.optional(),
		title: Title.optional(),
		body: Body.optional(),
		/** Hashes (full size) of the current photos to keep; default: all of them. */
		keepPhotos: z
			.array(z.string().regex(/^[0-9a-f]{64}$/))
			.max(MAX_REVIEW_PHOTOS)
			.optional(),
		addPhotos: z.array(ReviewPhotoUpload).max(MAX_REVIEW_PHOTOS).default([]),
	})
	.refine(
		(e) =>
			e.rating !== undefined ||
			e.title !== undefined ||
			e.body !== undefined ||
			e.keepPhotos !== undefined ||
			e.addPhotos.length > 0,
		{ message: "Change at least one field." },
	);
export type EditReviewInput = z.input<typeof EditReviewInput>;

export const RejectInput = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export const HideInput = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });
export const ApproveInput = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });
export const ReplyInput = z.strictObject({ body: z.string().trim().min(1).max(2_000) });
export const REPORT_REASONS = ["spam", "offensive", "off_topic", "fake", "other"] as const;
export const ReportInput = z.strictObject({
	reason: z.enum(REPORT_REASONS),
	note: z.string().trim().max(500).optional(),
});
export type ReportInput = z.input<typeof ReportInput>;

export const REVIEW_SORTS = ["newest", "helpful", "rating_desc", "rating_asc"] as const;
export const ReviewSort = z.enum(REVIEW_SORTS);
export type ReviewSort = z.infer<typeof ReviewSort>;

const Limit = z
	.string()
	.regex(/^\d{1,2}$/, "a whole number from 1 to 50")
	.transform(Number)
	.pipe(z.number().int().min(1).max(50));

/** The public list's query, as it arrives in a URL. */
export const ReviewQuery = z.strictObject({
	sort: ReviewSort.default("newest"),
	stars: z
		.string()
		.regex(/^[1-5]$/, "a star count from 1 to 5")
		.transform(Number)
		.optional(),
	limit: Limit.default(10),
	cursor: CursorText.optional(),
});
export type ReviewQuery = z.infer<typeof ReviewQuery>;

/** The canonical URL form (the edge's cache key). */
export function reviewQueryToParams(q: ReviewQuery): URLSearchParams {
	const out = new URLSearchParams();
	out.set("sort", q.sort);
	if (q.stars !== undefined) out.set("stars", String(q.stars));
	out.set("limit", String(q.limit));
	if (q.cursor) out.set("cursor", q.cursor);
	return out;
}

export const QUEUE_FILTERS = ["held", "reported", "rejected", "hidden", "published"] as const;
export const QueueQuery = z.strictObject({
	filter: z.enum(QUEUE_FILTERS).default("held"),
	limit: Limit.default(20),
	cursor: CursorText.optional(),
});
export type QueueQuery = z.infer<typeof QueueQuery>;

export const Reply = z.object({ body: z.string(), at: z.string() });

/** What every shopper sees of a published review. */
export const PublicReview = z.object({
	id: ReviewId,
	productId: z.string(),
	authorName: z.string(),
	/** Always true today: only a customer with a delivered order line may write one. */
	verifiedPurchase: z.boolean(),
	rating: Rating,
	title: z.string(),
	body: z.string(),
	photos: z.array(ReviewPhoto),
	helpfulCount: z.number().int(),
	reply: Reply.nullable(),
	createdAt: z.string(),
	/** Set when the author changed it after it was first written. */
	editedAt: z.string().nullable(),
});
export type PublicReview = z.infer<typeof PublicReview>;

/** The author's and the staff's view: the public one plus where it stands and why. */
export const Review = PublicReview.extend({
	customerId: z.string(),
	orderId: z.string(),
	productTitle: z.string(),
	productSlug: z.string(),
	status: ReviewStatus,
	holdReasons: z.array(HoldReason),
	/** Why a moderator rejected or hid it (the author reads it). */
	moderationReason: z.string().nullable(),
	reportCount: z.number().int(),
	updatedAt: z.string(),
});
export type Review = z.infer<typeof Review>;

export const ReviewChange = z.object({
	from: ReviewStatus.nullable(),
	to: ReviewStatus,
	at: z.string(),
	actor: z.string(),
	reason: z.string().nullable(),
});
export const ReportView = z.object({
	reason: z.enum(REPORT_REASONS),
	note: z.string().nullable(),
	at: z.string(),
});
/** A staff member's view of one review: its history and its reports. */
export const ReviewDetail = Review.extend({ history: z.array(ReviewChange), reports: z.array(ReportView) });
export type ReviewDetail = z.infer<typeof ReviewDetail>;

/** Exact aggregates of a product's published reviews. `histogram[i]` counts the (i+1)-star ones. */
export const RatingSummary = z.object({
	productId: z.string(),
	count: z.number().int(),
	/** The mean rating rounded to two decimals; null with no reviews. */
	average: z.number().nullable(),
	histogram: z.tuple([z.number().int(), z.number().int(), z.number().int(), z.number().int(), z.number().int()]),
	/** Bumped by every change to what shoppers see of the product's reviews. */
	revision: z.number().int(),
});
export type RatingSummary = z.infer<typeof RatingSummary>;

export const ReviewPage = listPage(PublicReview).extend({ summary: RatingSummary });
export type ReviewPage = z.infer<typeof ReviewPage>;

export const StaffReviewPage = listPage(Review);
export type StaffReviewPage = z.infer<typeof StaffReviewPage>;

/** A product the caller may review (a delivered order line), and their review of it if any. */
export const Reviewable = z.object({
	productId: z.string(),
	productSlug: z.string(),
	productTitle: z.string(),
	orderId: z.string(),
	deliveredAt: z.string(),
	review: Review.nullable(),
});
export const ReviewableList = z.object({ items: z.array(Reviewable) });
export type ReviewableList = z.infer<typeof ReviewableList>;

/** A helpful vote (PUT /reviews/{id}/vote): the only vote there is. */
export const VoteInput = z.strictObject({ helpful: z.literal(true) });
/** What the customer may review, narrowed to an order or a product. */
export const ReviewableQuery = z.strictObject({
	orderId: z.string().max(40).optional(),
	productId: z.string().max(64).optional(),
});

export const VoteResult = z.object({ reviewId: ReviewId, helpfulCount: z.number().int(), voted: z.boolean() });
export type VoteResult = z.infer<typeof VoteResult>;
/** A report taken (POST /reviews/{id}/reports). */
export const ReportReceipt = z.object({ reviewId: ReviewId, reported: z.literal(true) });

// ---- events (bus envelopes: source "review", key = product id) ----------------------------------

export const REVIEW_EVENT_TYPES = [
	"review.submitted",
	"review.edited",
	"review.published",
	"review.held",
	"review.rejected",
	"review.hidden",
	"review.reported",
	"review.replied",
	"review.voted",
	"review.rating_changed",
] as const;
export type ReviewEventType = (typeof REVIEW_EVENT_TYPES)[number];

export const ReviewEventData = z.object({
	reviewId: ReviewId,
	productId: z.string(),
	customerId: z.string(),
	status: ReviewStatus,
	rating: Rating,
	actor: z.string(),
	reason: z.string().nullable().optional(),
});
export type ReviewEventData = z.infer<typeof ReviewEventData>;

/** `review.rating_changed`: the product's aggregate after the change (the catalog keeps a copy). */
export const RatingChangedData = RatingSummary;

import { REVIEW_SORTS } from "@bazaar/contracts/review";
import {
	bodyOf,
	COOKIE_WRITE_RULE,
	coreTrouble,
	csrfProblems,
	type Json,
	json,
	pathParam,
	problem,
	SESSION,
} from "./parts";
import { readsTakeNoBody, staffOp } from "./staff";

// Reviews (issue 12): anyone reads a product's published reviews with its exact aggregate (cached
// with the product); a signed-in customer with a delivered order of the product writes one
// review of it, edits it, votes others helpful and reports them (edge/src/routes/api-reviews.ts);
// staff (admin or moderator) work the queue and reply for the shop (/api/admin/reviews).

const reviewId = pathParam("id", "Review id (`rev_…`).", { type: "string", pattern: "^rev_[0-9A-Z]{26}$" });
const signIn = { "401": problem("Not signed in (no session, or it has ended); `WWW-Authenticate: Bearer`.") };
const notFound = { "404": problem("No such review (or, for a shopper, not a published one; for an edit, not yours).") };

const op = (operationId: string, summary: string, extra: Json, responses: Json, write = false) => ({
	tags: ["reviews"],
	operationId,
	summary,
	security: SESSION,
	...extra,
	...(write ? { description: `${(extra.description as string | undefined) ?? ""} ${COOKIE_WRITE_RULE}`.trim() } : {}),
	responses: { ...responses, ...signIn, ...(write ? csrfProblems : {}), ...coreTrouble },
});

export function reviewPaths(): Record<string, Json> {
	return {
		"/api/catalog/products/{slug}/reviews": {
			get: {
				tags: ["catalog"],
				operationId: "listProductReviews",
				summary: "A product's published reviews",
				description:
					"Its exact aggregate (`summary`: count, average, per-star histogram) and a page of reviews. Cached with the product under the catalog version: a review published, hidden or edited is a new version. Helpful counts alone do not move the version, so they may lag until the next change.",
				parameters: [
					pathParam("slug", "Product slug."),
					{
						name: "sort",
						in: "query",
						required: false,
						description: "Order.",
						schema: { type: "string", enum: [...REVIEW_SORTS], default: "newest" },
					},
					{
						name: "stars",
						in: "query",
						required: false,
						description: "Only reviews with this many stars (1–5).",
						schema: { type: "integer", minimum: 1, maximum: 5 },
					},
					{
						name: "limit",
						in: "query",
						required: false,
						description: "Page size, 1 to 50.",
						schema: { type: "integer", minimum: 1, maximum: 50, default: 10 },
					},
					{
						name: "cursor",
						in: "query",
						required: false,
						description: "`nextCursor` of the previous page.",
						schema: { type: "string" },
					},
				],
				responses: {
					"200": json("ReviewPage", "The summary and a page of reviews."),
					"400": problem("An unknown parameter, a bad sort, star count, limit or cursor."),
					"404": problem("No product has that slug."),
					...coreTrouble,
				},
			},
		},
		"/api/reviews": {
			post: op(
				"writeReview",
				"Write a review",
				{
					description:
						"Only a customer with a delivered order of the product (verified purchase); one review per product per customer. A review with a link, profanity or repeated text is held for a moderator (`status: held`); otherwise it is published at once. Photos: up to 4 PNG or JPEG, 2 MB each, base64; they are re-encoded without metadata.",
					requestBody: bodyOf("WriteReviewInput"),
				},
				{
					"201": json("Review", "The review as stored, with its status."),
					"400": problem("A field is missing or out of range (rating 1–5, title ≤ 120, body ≤ 5,000, ≤ 4 photos)."),
					"403": problem("No delivered order of this product; or sent from another site's page."),
					"409": problem("This customer already reviewed the product: edit that review."),
					"413": problem("A photo larger than 2 MB, or a body over 12 MB."),
					"415": problem("A photo that is not the PNG or JPEG it says it is; or a body that is not JSON."),
				},
				true,
			),
		},
		"/api/reviews/reviewable": {
			get: op(
				"listReviewable",
				"What the customer may review",
				{
					description: "Each delivered product of the customer (its latest order), with their review of it if any.",
					parameters: [
						{
							name: "orderId",
							in: "query",
							required: false,
							description: "Only this order's products.",
							schema: { type: "string" },
						},
						{
							name: "productId",
							in: "query",
							required: false,
							description: "Only this product.",
							schema: { type: "string" },
						},
					],
				},
				{
					"200": json("ReviewableList", "Delivered products and the customer's reviews of them."),
					"400": problem("An unknown parameter."),
				},
			),
		},
		"/api/reviews/{id}": {
			get: op(
				"getOwnReview",
				"One of the customer's reviews, in any state",
				{ parameters: [reviewId] },
				{ "200": json("Review", "The review, with its status and a moderator's reason."), ...notFound },
			),
			patch: op(
				"editReview",
				"Edit the customer's review",
				{
					description:
						"It passes the automatic screen again; a review a moderator rejected or hid goes back to the queue. The product's aggregate moves from the old rating to the new one.",
					parameters: [reviewId],
					requestBody: bodyOf("EditReviewInput"),
				},
				{
					"200": json("Review", "The review as stored."),
					"400": problem("No field to change, or one out of range; more than 4 photos in all."),
					...notFound,
					"413": problem("A photo larger than 2 MB."),
				},
				true,
			),
		},
		"/api/reviews/{id}/vote": {
			put: op(
				"voteHelpful",
				"Vote a review helpful",
				{
					description: "One vote per customer: a repeat changes nothing. Not on your own review.",
					parameters: [reviewId],
					requestBody: {
						required: true,
						content: {
							"application/json": {
								schema: { type: "object", properties: { helpful: { const: true } }, required: ["helpful"] },
							},
						},
					},
				},
				{
					"200": json("VoteResult", "The review's helpful count."),
					"400": problem('The body is not `{"helpful":true}`.'),
					...notFound,
				},
				true,
			),
			delete: op(
				"withdrawVote",
				"Withdraw a helpful vote",
				{ parameters: [reviewId] },
				{ "200": json("VoteResult", "The review's helpful count."), ...notFound },
				true,
			),
		},
		"/api/reviews/{id}/reports": {
			post: op(
				"reportReview",
				"Report a review",
				{
					description: "Once per customer; it then shows in the moderators' reported queue.",
					parameters: [reviewId],
					requestBody: bodyOf("ReportInput"),
				},
				{
					"201": { description: '`{"reviewId":"rev_…","reported":true}`' },
					"400": problem("An unknown reason."),
					...notFound,
				},
				true,
			),
		},
	};
}

const staff = staffOp("reviews");

export function adminReviewPaths(): Record<string, Json> {
	return readsTakeNoBody({
		"/api/admin/reviews/queue": {
			get: staff(
				"The moderation queue",
				{
					parameters: [
						{
							name: "filter",
							in: "query",
							required: false,
							description: "held (default), reported, rejected, hidden or published.",
							schema: { type: "string" },
						},
						{
							name: "limit",
							in: "query",
							required: false,
							description: "Page size, 1 to 50.",
							schema: { type: "integer" },
						},
						{
							name: "cursor",
							in: "query",
							required: false,
							description: "`nextCursor` of the previous page.",
							schema: { type: "string" },
						},
					],
				},
				["200", "StaffReviewPage", "Oldest first."],
				{ "404": null },
			),
		},
		"/api/admin/reviews/{id}": {
			get: staff("One review with its history and reports", { parameters: [reviewId] }, [
				"200",
				"ReviewDetail",
				"The review.",
			]),
		},
		"/api/admin/reviews/{id}/approve": {
			post: staff(
				"Approve (publish) a review",
				{
					description: "Also closes its open reports. The same decision again changes nothing.",
					parameters: [reviewId],
					requestBody: bodyOf("ApproveInput", false),
				},
				["200", "Review", "The review, published."],
				{ "409": problem("Not in a state this decision applies to.") },
			),
		},
		"/api/admin/reviews/{id}/reject": {
			post: staff(
				"Reject a review with a reason",
				{ parameters: [reviewId], requestBody: bodyOf("RejectInput") },
				["200", "Review", "The review, rejected; its author reads the reason."],
				{ "409": problem("Not in a state this decision applies to.") },
			),
		},
		"/api/admin/reviews/{id}/hide": {
			post: staff(
				"Hide a published review",
				{ parameters: [reviewId], requestBody: bodyOf("HideInput", false) },
				["200", "Review", "The review, hidden and out of the aggregate."],
				{ "409": problem("Not in a state this decision applies to.") },
			),
		},
		"/api/admin/reviews/{id}/reply": {
			put: staff("Reply in public for the shop", { parameters: [reviewId], requestBody: bodyOf("ReplyInput") }, [
				"200",
				"Review",
				"The review with the reply.",
			]),
			delete: staff("Remove the shop's reply", { parameters: [reviewId] }, [
				"200",
				"Review",
				"The review without a reply.",
			]),
		},
	});
}

import {
	EditReviewInput,
	ReportInput,
	ReportReceipt,
	Review,
	ReviewableList,
	ReviewableQuery,
	ReviewId,
	VoteInput,
	VoteResult,
	WriteReviewInput,
} from "@bazaar/contracts/review";
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { z } from "zod";
import type { AppContext } from "../env";
import { forwardAsCaller as forward } from "../lib/core-forward";
import { apiProblem } from "../lib/problems";
import { isReviewId } from "../lib/reviews";
import { SIGN_IN_CHALLENGE } from "../middleware/admin-auth";
import { apiWriteGuard } from "../middleware/api-write";
import { bufferBody } from "../middleware/body";
import {
	apiRouter,
	body,
	COOKIE_WRITE_RULE,
	coreTrouble,
	csrfProblems,
	json,
	passThrough,
	problem,
	SESSION,
} from "../openapi/route-kit";
import { loadSession } from "../session/middleware";

// The signed-in customer's reviews as JSON (browser cookie or `Authorization: Bearer`): write,
// edit, vote, report, and what they may review. Each route forwards its body as sent to the core's
// review module, signed as the customer; the core validates and decides (a verified buyer only, the
// author only), and its status and problem come back unchanged. Reading a product's reviews needs
// no account: GET /api/catalog/products/{slug}/reviews (cached with the product). Staff use
// /api/admin/reviews.

/** Four photos of 2 MB each, base64, plus the review around them. */
const MAX_BODY = 12 * 1024 * 1024;

export const apiReviews = apiRouter();

apiReviews.use("*", loadSession, apiWriteGuard);
apiReviews.use("*", async (c, next) => {
	if (!c.get("session")) return apiProblem(401, "Sign in to write or change reviews.", {}, SIGN_IN_CHALLENGE);
	await next();
});
apiReviews.use("*", bufferBody(MAX_BODY));

/** A malformed id is the same 404 as one that names nothing, without asking the core. */
const withId =
	(method: string, path: (id: string) => string) =>
	(c: AppContext): Promise<Response> | Response => {
		const id = c.req.param("id") ?? "";
		if (!isReviewId(id)) return apiProblem(404, "There is no such review.");
		return forward(c, method, path(encodeURIComponent(id)));
	};

// ---- route definitions ---------------------------------------------------------------------------

const reviewParams = z.object({
	id: ReviewId.meta({ param: { description: "Review id (`rev_…`)." }, example: "rev_01J00000000000000000000000" }),
});
const notFound = { 404: problem("No such review (or, for a shopper, not a published one; for an edit, not yours).") };

/** Every review route: the customer's session (401 before anything is read), the CSRF rule on writes. */
function reviewRoute<R extends RouteConfig>(route: R, write: boolean): R {
	return {
		...route,
		tags: ["reviews"],
		security: SESSION,
		...(write ? { description: `${route.description ?? ""} ${COOKIE_WRITE_RULE}`.trim() } : {}),
		responses: {
			...route.responses,
			401: problem("Not signed in (no session, or it has ended); `WWW-Authenticate: Bearer`."),
			...(write ? csrfProblems : {}),
			...coreTrouble,
		},
	};
}

const EXAMPLE_REVIEW = {
	productId: "prd_EXAMPLE",
	rating: 5,
	title: "Does what it says",
	body: "Sturdy, well made and arrived quickly.",
};

const writeReview = reviewRoute(
	{
		method: "post",
		path: "/",
		operationId: "writeReview",
		summary: "Write a review",
		description:
			"Only a customer with a delivered order of the product (verified purchase); one review per product per customer. A review with a link, profanity or repeated text is held for a moderator (`status: held`); otherwise it is published at once. Photos: up to 4 PNG or JPEG, 2 MB each, base64; they are re-encoded without metadata.",
		request: { body: body(WriteReviewInput, EXAMPLE_REVIEW) },
		responses: {
			201: json(Review, "The review as stored, with its status."),
			400: problem("A field is missing or out of range (rating 1–5, title ≤ 120, body ≤ 5,000, ≤ 4 photos)."),
			403: problem("No delivered order of this product; or sent from another site's page."),
			409: problem("This customer already reviewed the product: edit that review."),
			413: problem("A photo larger than 2 MB, or a body over 12 MB."),
			415: problem("A photo that is not the PNG or JPEG it says it is; or a body that is not JSON."),
		},
	},
	true,
);

const listReviewable = reviewRoute(
	{
		method: "get",
		path: "/reviewable",
		operationId: "listReviewable",
		summary: "What the customer may review",
		description: "Each delivered product of the customer (its latest order), with their review of it if any.",
		request: {
			query: z.object({
				orderId: ReviewableQuery.shape.orderId.meta({ description: "Only this order's products." }),
				productId: ReviewableQuery.shape.productId.meta({ description: "Only this product." }),
			}),
		},
		responses: {
			200: json(ReviewableList, "Delivered products and the customer's reviews of them."),
			400: problem("An unknown parameter."),
		},
	},
	false,
);

const getOwnReview = reviewRoute(
	{
		method: "get",
		path: "/{id}",
		operationId: "getOwnReview",
		summary: "One of the customer's reviews, in any state",
		request: { params: reviewParams },
		responses: { 200: json(Review, "The review, with its status and a moderator's reason."), ...notFound },
	},
	false,
);

const editReview = reviewRoute(
	{
		method: "patch",
		path: "/{id}",
		operationId: "editReview",
		summary: "Edit the customer's review",
		description:
			"It passes the automatic screen again; a review a moderator rejected or hid goes back to the queue. The product's aggregate moves from the old rating to the new one.",
		request: { params: reviewParams, body: body(EditReviewInput, { rating: 4, title: "Still good after a month" }) },
		responses: {
			200: json(Review, "The review as stored."),
			400: problem("No field to change, or one out of range; more than 4 photos in all."),
			...notFound,
			413: problem("A photo larger than 2 MB."),
		},
	},
	true,
);

const voteHelpful = reviewRoute(
	{
		method: "put",
		path: "/{id}/vote",
		operationId: "voteHelpful",
		summary: "Vote a review helpful",
		description: "One vote per customer: a repeat changes nothing. Not on your own review.",
		request: { params: reviewParams, body: body(VoteInput, { helpful: true }) },
		responses: {
			200: json(VoteResult, "The review's helpful count."),
			400: problem('The body is not `{"helpful":true}`.'),
			...notFound,
		},
	},
	true,
);

const withdrawVote = reviewRoute(
	{
		method: "delete",
		path: "/{id}/vote",
		operationId: "withdrawVote",
		summary: "Withdraw a helpful vote",
		request: { params: reviewParams },
		responses: { 200: json(VoteResult, "The review's helpful count."), ...notFound },
	},
	true,
);

const reportReview = reviewRoute(
	{
		method: "post",
		path: "/{id}/reports",
		operationId: "reportReview",
		summary: "Report a review",
		description: "Once per customer; it then shows in the moderators' reported queue.",
		request: { params: reviewParams, body: body(ReportInput, { reason: "spam" }) },
		responses: {
			201: json(ReportReceipt, "The report is taken."),
			400: problem("An unknown reason."),
			...notFound,
		},
	},
	true,
);

// ---- handlers: the core validates every body and query -------------------------------------------

passThrough(apiReviews, writeReview, (c) => forward(c, "POST", "/reviews"));
passThrough(apiReviews, listReviewable, (c) => {
	const url = new URL(c.req.url);
	return forward(c, "GET", `/reviews/mine/reviewable${url.search}`);
});
passThrough(
	apiReviews,
	getOwnReview,
	withId("GET", (id) => `/reviews/mine/${id}`),
);
passThrough(
	apiReviews,
	editReview,
	withId("PATCH", (id) => `/reviews/${id}`),
);
passThrough(
	apiReviews,
	voteHelpful,
	withId("PUT", (id) => `/reviews/${id}/vote`),
);
passThrough(
	apiReviews,
	withdrawVote,
	withId("DELETE", (id) => `/reviews/${id}/vote`),
);
passThrough(
	apiReviews,
	reportReview,
	withId("POST", (id) => `/reviews/${id}/reports`),
);

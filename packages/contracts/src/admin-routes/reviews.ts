import { createRoute } from "@hono/zod-openapi";
import {
	ApproveInput,
	HideInput,
	QueueQuery,
	RejectInput,
	ReplyInput,
	Review,
	ReviewDetail,
	StaffReviewPage,
} from "../review";
import { answer, body, idParams, problem } from "./kit";

// The reviews area (core /reviews/admin/*, edge /api/admin/reviews/*): the moderation queue, a
// moderator's decisions, and the shop's public reply. A review id of the wrong shape is the same
// 404 as one that names nothing (the module checks it), so the path takes any string.

const STAFF = "Role: admin or moderator.";
const id = idParams("id");
const noSuchReview = problem("No such review.");
const decided = {
	400: problem("The body is not valid."),
	404: noSuchReview,
	409: problem("Not in a state this decision applies to."),
};

export const reviewQueue = createRoute({
	method: "get",
	path: "/queue",
	summary: "The moderation queue",
	description: `${STAFF} \`filter\`: held (default), reported, rejected, hidden or published.`,
	request: { query: QueueQuery },
	responses: {
		200: answer(StaffReviewPage, "Oldest first."),
		400: problem("An unknown filter or parameter, a limit over 50, or a cursor this list did not give out."),
	},
});

export const getReview = createRoute({
	method: "get",
	path: "/{id}",
	summary: "One review with its history and reports",
	description: STAFF,
	request: { params: id },
	responses: { 200: answer(ReviewDetail, "The review."), 404: noSuchReview },
});

export const approveReview = createRoute({
	method: "post",
	path: "/{id}/approve",
	summary: "Approve (publish) a review",
	description: `${STAFF} Also closes its open reports. The same decision again changes nothing. The body is optional.`,
	request: { params: id, body: body(ApproveInput, { reason: "Checked: no link after all" }, false) },
	responses: { 200: answer(Review, "The review, published."), ...decided },
});

export const rejectReview = createRoute({
	method: "post",
	path: "/{id}/reject",
	summary: "Reject a review with a reason",
	description: `${STAFF} The author reads the reason.`,
	request: { params: id, body: body(RejectInput, { reason: "It links to another shop." }) },
	responses: { 200: answer(Review, "The review, rejected; its author reads the reason."), ...decided },
});

export const hideReview = createRoute({
	method: "post",
	path: "/{id}/hide",
	summary: "Hide a published review",
	description: `${STAFF} It leaves the product's aggregate; also closes its open reports. The body is optional.`,
	request: { params: id, body: body(HideInput, { reason: "Reported as fake by several shoppers" }, false) },
	responses: { 200: answer(Review, "The review, hidden and out of the aggregate."), ...decided },
});

export const replyToReview = createRoute({
	method: "put",
	path: "/{id}/reply",
	summary: "Reply in public for the shop",
	description: `${STAFF} Replaces an earlier reply.`,
	request: { params: id, body: body(ReplyInput, { body: "Thank you — we have passed this on to the maker." }) },
	responses: {
		200: answer(Review, "The review with the reply."),
		400: problem("The body is not valid."),
		404: noSuchReview,
	},
});

export const removeReviewReply = createRoute({
	method: "delete",
	path: "/{id}/reply",
	summary: "Remove the shop's reply",
	description: `${STAFF} No body.`,
	request: { params: id },
	responses: { 200: answer(Review, "The review without a reply."), 404: noSuchReview },
});

export const REVIEW_ADMIN_ROUTES = [
	reviewQueue,
	getReview,
	approveReview,
	rejectReview,
	hideReview,
	replyToReview,
	removeReviewReply,
];

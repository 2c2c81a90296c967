import {
	bodyOf,
	COOKIE_WRITE_RULE,
	coreTrouble,
	csrfProblems,
	type Json,
	json,
	pathParam,
	problem,
	SESSION_OR_NONE,
} from "./parts";
import { readsTakeNoBody, staffOp } from "./staff";

// Live support (issue 11), what outlives a chat room: a message left for the team when no agent
// is online (edge/src/routes/api-support-tickets.ts); and for staff (admin or support_agent) the
// knowledge base the bot answers from, past conversations searched by shopper or order, a
// shopper's recent orders, and the tickets with their answers, which go out by mail.

const staff = staffOp("support");
const articleId = pathParam("id", "Article id (`art_…`).");
const ticketId = pathParam("id", "Ticket id (`tkt_…`).");
const query = (name: string, description: string, schema: Json = { type: "string" }) => ({
	name,
	in: "query",
	required: false,
	description,
	schema,
});

export function supportPaths(): Record<string, Json> {
	return {
		"/api/support/tickets": {
			post: {
				tags: ["support chat"],
				operationId: "leaveSupportTicket",
				summary: "Leave a message for the support team",
				description: `For when no agent is online (the chat widget offers it). A signed-in shopper's goes with their account (and its email unless another is given); a guest must give an email. Staff answer it by mail. At most 3 an hour per sender and 10 per address. ${COOKIE_WRITE_RULE}`,
				security: SESSION_OR_NONE,
				requestBody: bodyOf("TicketInput"),
				responses: {
					"201": json("TicketReceipt", "The ticket's id and state (`open`)."),
					"400": problem("No email from a guest, a message under 5 or over 5,000 characters, an unknown field."),
					"413": problem("A body over 16 KiB."),
					"429": problem("Too many messages from this sender or address; `Retry-After` says when to try again."),
					...csrfProblems,
					...coreTrouble,
				},
			},
		},
	};
}

export function adminSupportPaths(): Record<string, Json> {
	return readsTakeNoBody({
		"/api/admin/support/articles": {
			get: staff(
				"The knowledge base",
				{
					description:
						"Every article, by topic and title. The bot answers shipping, returns and payment questions with an article's own words; `canned` ones are offered to agents as replies.",
					parameters: [
						query("topic", "shipping, returns, payment or other."),
						query("canned", "true or false."),
						query("q", "Text in the title, body or keywords."),
					],
				},
				["200", "ArticleList", "The articles."],
				{ "404": null },
			),
			post: staff(
				"Write an article",
				{ description: COOKIE_WRITE_RULE, requestBody: bodyOf("ArticleInput") },
				["201", "Article", "The article."],
				{ "404": null },
			),
		},
		"/api/admin/support/articles/{id}": {
			get: staff("One article", { parameters: [articleId] }, ["200", "Article", "The article."]),
			patch: staff(
				"Change an article",
				{ description: COOKIE_WRITE_RULE, parameters: [articleId], requestBody: bodyOf("ArticlePatch") },
				["200", "Article", "The article as changed."],
			),
			delete: staff("Delete an article", { description: COOKIE_WRITE_RULE, parameters: [articleId] }, [
				"200",
				"ArticleDeleted",
				"It is gone; the bot no longer answers from it.",
			]),
		},
		"/api/admin/support/conversations": {
			get: staff(
				"Search past conversations",
				{
					description:
						"Closed conversations of a shopper (account id, or the account an email belongs to) or naming an order (in the shopper's words or the bot's cards); at least one filter, all given apply. Newest first.",
					parameters: [
						query("customerId", "The shopper's account id."),
						query("email", "The shopper's account email."),
						query("orderId", "An order id (`ord_…`, any case)."),
						query("limit", "Page size, 1 to 100.", { type: "integer", minimum: 1, maximum: 100, default: 20 }),
						query("cursor", "`nextCursor` of the previous page."),
					],
				},
				["200", "ConversationList", "A page of conversations."],
				{ "404": null },
			),
		},
		"/api/admin/support/conversations/{id}": {
			get: staff("One conversation's transcript", { parameters: [pathParam("id", "Conversation id (`cnv_…`).")] }, [
				"200",
				"Transcript",
				"The conversation and every message, as its room kept them.",
			]),
		},
		"/api/admin/support/customers/{id}/orders": {
			get: staff(
				"A shopper's recent orders",
				{
					description: "Their five newest, for the agent beside a conversation.",
					parameters: [pathParam("id", "The shopper's account id.")],
				},
				["200", "RecentOrders", "Newest first (none for an unknown id)."],
				{ "404": null },
			),
		},
		"/api/admin/support/tickets": {
			get: staff(
				"Tickets",
				{
					parameters: [
						query("status", "open, answered or closed."),
						query("limit", "Page size, 1 to 100.", { type: "integer", minimum: 1, maximum: 100, default: 20 }),
						query("cursor", "`nextCursor` of the previous page."),
					],
				},
				["200", "TicketList", "Newest first."],
				{ "404": null },
			),
		},
		"/api/admin/support/tickets/{id}": {
			get: staff("One ticket with its answers", { parameters: [ticketId] }, ["200", "Ticket", "The ticket."]),
		},
		"/api/admin/support/tickets/{id}/answer": {
			post: staff(
				"Answer a ticket by mail",
				{
					description: `The answer is stored and mailed to the ticket's email (once, through the shop's mail outbox). It closes the ticket unless \`close\` is false. ${COOKIE_WRITE_RULE}`,
					parameters: [ticketId],
					requestBody: bodyOf("TicketAnswerInput"),
				},
				["200", "Ticket", "The ticket with the answer."],
			),
		},
	});
}

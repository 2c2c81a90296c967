import { createRoute } from "@hono/zod-openapi";
import {
	Article,
	ArticleDeleted,
	ArticleInput,
	ArticleList,
	ArticleListQuery,
	ArticlePatch,
	ConversationList,
	ConversationSearchQuery,
	RecentOrders,
	Ticket,
	TicketAnswerInput,
	TicketList,
	TicketListQuery,
	Transcript,
} from "../support";
import { answer, body, idParams, problem } from "./kit";

// The support area (core /support/admin/*, edge /api/admin/support/*): the knowledge base the bot
// answers from, past conversations searched by shopper or order, a shopper's recent orders, and
// the tickets left when no agent was online, with their answers, which go out by mail. An id of
// the wrong shape is the same 404 as one that names nothing (the module checks it).

const STAFF = "Role: admin or support_agent.";
const id = idParams("id");
const noSuchArticle = problem("No such article.");
const noSuchTicket = problem("No such ticket.");

export const listArticles = createRoute({
	method: "get",
	path: "/articles",
	summary: "The knowledge base",
	description: `${STAFF} Every article, by topic and title. The bot answers shipping, returns and payment questions with an article's own words; \`canned\` ones are offered to agents as replies.`,
	request: { query: ArticleListQuery },
	responses: {
		200: answer(ArticleList, "The articles."),
		400: problem("An unknown topic or parameter, `canned` other than true or false, or an empty `q`."),
	},
});

export const createArticle = createRoute({
	method: "post",
	path: "/articles",
	summary: "Write an article",
	description: STAFF,
	request: {
		body: body(ArticleInput, {
			title: "Engraving a watch",
			body: "We engrave up to 20 characters on the back of any watch; it adds two days to delivery.",
			topic: "other",
			keywords: ["engraving"],
		}),
	},
	responses: { 201: answer(Article, "The article."), 400: problem("The body is not valid.") },
});

export const getArticle = createRoute({
	method: "get",
	path: "/articles/{id}",
	summary: "One article",
	description: STAFF,
	request: { params: id },
	responses: { 200: answer(Article, "The article."), 404: noSuchArticle },
});

export const updateArticle = createRoute({
	method: "patch",
	path: "/articles/{id}",
	summary: "Change an article",
	description: `${STAFF} Only the fields given change.`,
	request: { params: id, body: body(ArticlePatch, { canned: true }) },
	responses: {
		200: answer(Article, "The article as changed."),
		400: problem("The body is not valid, or it changes nothing."),
		404: noSuchArticle,
	},
});

export const deleteArticle = createRoute({
	method: "delete",
	path: "/articles/{id}",
	summary: "Delete an article",
	description: `${STAFF} No body.`,
	request: { params: id },
	responses: { 200: answer(ArticleDeleted, "It is gone; the bot no longer answers from it."), 404: noSuchArticle },
});

export const searchConversations = createRoute({
	method: "get",
	path: "/conversations",
	summary: "Search past conversations",
	description: `${STAFF} Closed conversations of a shopper (account id, or the account an email belongs to) or naming an order (in the shopper's words or the bot's cards); at least one filter, all given apply. Newest first.`,
	request: { query: ConversationSearchQuery },
	responses: {
		200: answer(ConversationList, "A page of conversations."),
		400: problem("No filter, a malformed email or order id, a limit over 100, or an unknown parameter."),
	},
});

export const getConversation = createRoute({
	method: "get",
	path: "/conversations/{id}",
	summary: "One conversation's transcript",
	description: STAFF,
	request: { params: id },
	responses: {
		200: answer(Transcript, "The conversation and every message, as its room kept them."),
		404: problem("No such conversation."),
	},
});

export const recentCustomerOrders = createRoute({
	method: "get",
	path: "/customers/{id}/orders",
	summary: "A shopper's recent orders",
	description: `${STAFF} Their five newest, for the agent beside a conversation.`,
	request: { params: id },
	responses: {
		200: answer(RecentOrders, "Newest first (none for an unknown id)."),
		400: problem("Not an account id."),
	},
});

export const listTickets = createRoute({
	method: "get",
	path: "/tickets",
	summary: "Tickets",
	description: `${STAFF} Newest first.`,
	request: { query: TicketListQuery },
	responses: {
		200: answer(TicketList, "A page of tickets."),
		400: problem("An unknown status or parameter, a limit over 100, or a malformed cursor."),
	},
});

export const getTicket = createRoute({
	method: "get",
	path: "/tickets/{id}",
	summary: "One ticket with its answers",
	description: STAFF,
	request: { params: id },
	responses: { 200: answer(Ticket, "The ticket."), 404: noSuchTicket },
});

export const answerTicket = createRoute({
	method: "post",
	path: "/tickets/{id}/answer",
	summary: "Answer a ticket by mail",
	description: `${STAFF} The answer is stored and mailed to the ticket's email (once, through the shop's mail outbox). It closes the ticket unless \`close\` is false.`,
	request: {
		params: id,
		body: body(TicketAnswerInput, { message: "Your parcel left our warehouse this morning.", close: true }),
	},
	responses: {
		200: answer(Ticket, "The ticket with the answer."),
		400: problem("The body is not valid."),
		404: noSuchTicket,
	},
});

export const SUPPORT_ADMIN_ROUTES = [
	listArticles,
	createArticle,
	getArticle,
	updateArticle,
	deleteArticle,
	searchConversations,
	getConversation,
	recentCustomerOrders,
	listTickets,
	getTicket,
	answerTicket,
];

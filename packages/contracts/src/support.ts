import { z } from "zod";
import { ChatEntry, ConversationId } from "./chat";
import { OrderSummary } from "./order";

// The support module's requests and responses (issue 11): the knowledge base staff edit,
// closed conversations as staff search them, and the tickets a shopper leaves when no agent is
// online. What the rooms send the core (the bot's question, a transcript) is in ./chat.ts.
// Every text is plain text: pages escape it.

export const ArticleId = z
	.string()
	.max(40)
	.regex(/^art_[0-9A-Z]{26}$/, "an article id such as art_01H…");
export const TicketId = z
	.string()
	.max(40)
	.regex(/^tkt_[0-9A-Z]{26}$/, "a ticket id such as tkt_01H…");
const UserId = z.string().min(1).max(64);

export const ARTICLE_TOPICS = ["shipping", "returns", "payment", "other"] as const;
export const ArticleTopic = z.enum(ARTICLE_TOPICS);
export type ArticleTopic = z.infer<typeof ArticleTopic>;

const Keyword = z
	.string()
	.trim()
	.toLowerCase()
	.min(2)
	.max(40)
	.regex(/^[\p{L}\p{N}][\p{L}\p{N} '-]*$/u, "letters, digits, spaces, ' and -");

const ArticleFields = {
	title: z.string().trim().min(3).max(160),
	body: z.string().trim().min(1).max(10_000),
	topic: ArticleTopic,
	/** Words and phrases shoppers use for this question; they weigh more than the body's words. */
	keywords: z.array(Keyword).max(30),
	/** A canned reply agents may send as is; the bot answers from every article either way. */
	canned: z.boolean(),
};

export const ArticleInput = z.strictObject({
	...ArticleFields,
	keywords: ArticleFields.keywords.default([]),
	canned: ArticleFields.canned.default(false),
});
export type ArticleInput = z.input<typeof ArticleInput>;

/** A change: only the fields given (no defaults, so a change of title keeps the keywords). */
export const ArticlePatch = z
	.strictObject(ArticleFields)
	.partial()
	.refine((p) => Object.keys(p).length > 0, "nothing to change");
export type ArticlePatch = z.input<typeof ArticlePatch>;

export const Article = z.object({
	id: ArticleId,
	title: z.string(),
	body: z.string(),
	topic: ArticleTopic,
	keywords: z.array(z.string()),
	canned: z.boolean(),
	createdAt: z.string(),
	updatedAt: z.string(),
	updatedBy: z.string(),
});
export type Article = z.infer<typeof Article>;

export const ArticleListQuery = z.strictObject({
	topic: ArticleTopic.optional(),
	canned: z.enum(["true", "false"]).optional(),
	q: z.string().trim().min(1).max(200).optional(),
});
export const ArticleList = z.object({ items: z.array(Article) });
export type ArticleList = z.infer<typeof ArticleList>;

export const ConversationSummary = z.object({
	id: ConversationId,
	customerId: z.string().nullable(),
	guestId: z.string().nullable(),
	openedAt: z.string(),
	closedAt: z.string(),
	agentIds: z.array(z.string()),
	messageCount: z.number().int(),
	/** Order ids named in its messages or the bot's cards. */
	orderIds: z.array(z.string()),
	/** The first thing the shopper wrote. */
	preview: z.string(),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

export const Transcript = ConversationSummary.extend({ messages: z.array(ChatEntry) });
export type Transcript = z.infer<typeof Transcript>;

/** Staff search of past conversations: by shopper (id or email) or by order; newest first. */
export const ConversationSearchQuery = z
	.strictObject({
		customerId: UserId.optional(),
		email: z.string().trim().toLowerCase().email().max(254).optional(),
		orderId: z
			.string()
			.trim()
			.regex(/^ord_[0-9A-Za-z]{26}$/, "an order id such as ord_01H…")
			.transform((s) => s.toUpperCase().replace(/^ORD_/, "ord_"))
			.optional(),
		cursor: z.string().max(200).optional(),
		limit: z.coerce.number().int().min(1).max(100).default(20),
	})
	.refine((q) => q.customerId !== undefined || q.email !== undefined || q.orderId !== undefined, {
		message: "search by customerId, email or orderId",
	});
export type ConversationSearchQuery = z.infer<typeof ConversationSearchQuery>;

export const ConversationList = z.object({ items: z.array(ConversationSummary), nextCursor: z.string().nullable() });
export type ConversationList = z.infer<typeof ConversationList>;

// Tickets.

export const TICKET_STATUSES = ["open", "answered", "closed"] as const;
export const TicketStatus = z.enum(TICKET_STATUSES);
export type TicketStatus = z.infer<typeof TicketStatus>;

export const TicketInput = z.strictObject({
	/** Needed from a guest; a signed-in shopper's defaults to their account's. */
	email: z.string().trim().toLowerCase().email().max(254).optional(),
	name: z.string().trim().min(1).max(120).optional(),
	subject: z.string().trim().min(1).max(160).optional(),
	message: z.string().trim().min(5).max(5_000),
	/** The chat the shopper was in when they left it, if any. */
	conversationId: ConversationId.optional(),
});
export type TicketInput = z.input<typeof TicketInput>;

export const TicketAnswerInput = z.strictObject({
	message: z.string().trim().min(1).max(10_000),
	/** Close it with this answer (default) or leave it open for more. */
	close: z.boolean().default(true),
});
export type TicketAnswerInput = z.input<typeof TicketAnswerInput>;

export const TicketReply = z.object({ id: z.string(), by: z.string(), message: z.string(), at: z.string() });
export type TicketReply = z.infer<typeof TicketReply>;

export const Ticket = z.object({
	id: TicketId,
	customerId: z.string().nullable(),
	email: z.string(),
	name: z.string().nullable(),
	subject: z.string(),
	message: z.string(),
	conversationId: z.string().nullable(),
	status: TicketStatus,
	createdAt: z.string(),
	updatedAt: z.string(),
	replies: z.array(TicketReply),
});
export type Ticket = z.infer<typeof Ticket>;

/** What the shopper gets back: the ticket's id and state, not the staff's view of it. */
export const TicketReceipt = Ticket.pick({ id: true, status: true, createdAt: true });
export type TicketReceipt = z.infer<typeof TicketReceipt>;

export const TicketListQuery = z.strictObject({
	status: TicketStatus.optional(),
	cursor: TicketId.optional(),
	limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type TicketListQuery = z.infer<typeof TicketListQuery>;
export const TicketList = z.object({
	items: z.array(Ticket.omit({ replies: true })),
	nextCursor: z.string().nullable(),
});
export type TicketList = z.infer<typeof TicketList>;

/** A shopper's newest orders, shown to the agent beside the conversation. */
export const RecentOrders = z.object({ items: z.array(OrderSummary) });
export type RecentOrders = z.infer<typeof RecentOrders>;

export const ArticleDeleted = z.object({ id: ArticleId, deleted: z.literal(true) });
export type ArticleDeleted = z.infer<typeof ArticleDeleted>;

import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { busInbox, busOutbox } from "../bus/schema";

// The support module's own database (issue 11): the knowledge base, the bot's memory of each
// conversation, closed conversations' transcripts and the tickets shoppers leave. Timestamps are
// ISO-8601 UTC strings (same width, so they sort as text). Orders and shoppers are only named by
// id here; what they are is asked of their modules through ports.

export const articles = sqliteTable(
	"support_articles",
	{
		id: text("id").primaryKey(),
		title: text("title").notNull(),
		body: text("body").notNull(),
		topic: text("topic").notNull(),
		/** string[] as JSON, lower case. */
		keywords: text("keywords").notNull(),
		canned: integer("canned", { mode: "boolean" }).notNull().default(false),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
		updatedBy: text("updated_by").notNull(),
	},
	(t) => [
		index("support_articles_topic_idx").on(t.topic, t.title),
		check("support_articles_topic_ck", sql`${t.topic} IN ('shipping', 'returns', 'payment', 'other')`),
	],
);

/** How often the bot was unsure in a conversation: the second time hands it over. */
export const botState = sqliteTable("support_bot_state", {
	conversationId: text("conversation_id").primaryKey(),
	unsure: integer("unsure").notNull().default(0),
	handedOverAt: text("handed_over_at"),
	updatedAt: text("updated_at").notNull(),
});

export const conversations = sqliteTable(
	"support_conversations",
	{
		id: text("id").primaryKey(),
		customerId: text("customer_id"),
		guestId: text("guest_id"),
		openedAt: text("opened_at").notNull(),
		closedAt: text("closed_at").notNull(),
		/** string[] as JSON. */
		agentIds: text("agent_ids").notNull(),
		messageCount: integer("message_count").notNull(),
		preview: text("preview").notNull(),
		storedAt: text("stored_at").notNull(),
	},
	(t) => [
		index("support_conversations_customer_idx").on(t.customerId, t.closedAt, t.id),
		index("support_conversations_guest_idx").on(t.guestId, t.closedAt, t.id),
	],
);

/** A transcript's entries as the room kept them (ChatEntry JSON), in the room's order. */
export const messages = sqliteTable(
	"support_messages",
	{
		conversationId: text("conversation_id").notNull(),
		/** The entry's id in its room: 1, 2, 3, … */
		seq: integer("seq").notNull(),
		/** `shopper`, `agent`, `bot`, or `system` for the room's own events. */
		author: text("author").notNull(),
		entry: text("entry").notNull(),
	},
	(t) => [primaryKey({ columns: [t.conversationId, t.seq] })],
);

/** Orders a conversation named (in its text or cards): what "search by order" looks up. */
export const conversationOrders = sqliteTable(
	"support_conversation_orders",
	{
		orderId: text("order_id").notNull(),
		conversationId: text("conversation_id").notNull(),
		closedAt: text("closed_at").notNull(),
	},
	(t) => [
		primaryKey({ columns: [t.orderId, t.conversationId] }),
		index("support_conversation_orders_conversation_idx").on(t.conversationId),
	],
);

export const tickets = sqliteTable(
	"support_tickets",
	{
		id: text("id").primaryKey(),
		customerId: text("customer_id"),
		email: text("email").notNull(),
		name: text("name"),
		subject: text("subject").notNull(),
		message: text("message").notNull(),
		conversationId: text("conversation_id"),
		status: text("status").notNull(),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
	},
	(t) => [
		index("support_tickets_status_idx").on(t.status, t.id),
		check("support_tickets_status_ck", sql`${t.status} IN ('open', 'answered', 'closed')`),
	],
);

/** Staff answers; each goes to the shopper by mail (workflows/support-mail.ts). */
export const ticketReplies = sqliteTable(
	"support_ticket_replies",
	{
		id: text("id").primaryKey(),
		ticketId: text("ticket_id").notNull(),
		by: text("by").notNull(),
		message: text("message").notNull(),
		at: text("at").notNull(),
	},
	(t) => [index("support_ticket_replies_ticket_idx").on(t.ticketId, t.at)],
);

export { busInbox, busOutbox };

export const supportSchema = {
	articles,
	botState,
	conversations,
	messages,
	conversationOrders,
	tickets,
	ticketReplies,
	busOutbox,
	busInbox,
};
export type SupportSchema = typeof supportSchema;

import { CustomerId } from "@bazaar/contracts/cart";
import type { BotAnswer } from "@bazaar/contracts/chat";
import type { OrderSummary } from "@bazaar/contracts/order";
import type {
	Article,
	ArticleList,
	ConversationList,
	ConversationSummary,
	Ticket,
	TicketList,
	TicketReceipt,
	Transcript,
} from "@bazaar/contracts/support";
import { answerQuestion } from "./answer-question";
import { createArticle, deleteArticle, getArticle, listArticles, updateArticle } from "./articles";
import { openSupportContext, type SupportContext, type SupportContextOptions } from "./context";
import {
	answerTicket,
	createTicket,
	getTicket,
	listTickets,
	type TicketMail,
	type TicketSender,
	ticketMail,
} from "./tickets";
import { getTranscript, searchConversations, storeTranscript } from "./transcripts";

// Wires the support module (issue 11): its database and its verbs bound to it. The chat rooms
// (realtime/) ask it for the bot's answers and hand it closed conversations; staff edit the
// knowledge base, search transcripts and answer tickets. Orders, products and shoppers are asked
// of their modules through the ports the composition root passes (workflows/support-ports.ts).

export interface SupportModule {
	context: SupportContext;
	answer(input: unknown): Promise<BotAnswer>;
	createArticle(input: unknown, actor: string): Promise<Article>;
	updateArticle(id: string, input: unknown, actor: string): Promise<Article>;
	deleteArticle(id: string): Promise<{ id: string; deleted: true }>;
	getArticle(id: string): Promise<Article>;
	listArticles(query: unknown): Promise<ArticleList>;
	/** Idempotent by conversation id: `created` is false when it was stored before. */
	storeTranscript(id: string, input: unknown): Promise<{ created: boolean; conversation: ConversationSummary }>;
	getTranscript(id: string): Promise<Transcript>;
	searchConversations(query: unknown): Promise<ConversationList>;
	/** A shopper's newest orders, for the agent beside the conversation. */
	recentOrders(customerId: string): Promise<OrderSummary[]>;
	createTicket(input: unknown, sender: TicketSender): Promise<TicketReceipt>;
	listTickets(query: unknown): Promise<TicketList>;
	getTicket(id: string): Promise<Ticket>;
	answerTicket(id: string, input: unknown, actor: string): Promise<Ticket>;
	ticketMail(replyId: string): Promise<TicketMail | null>;
	stop(): Promise<void>;
}

export const RECENT_ORDERS = 5;

export async function openSupport(options: SupportContextOptions): Promise<SupportModule> {
	const ctx = await openSupportContext(options);
	return {
		context: ctx,
		answer: (input) => answerQuestion(ctx, input),
		createArticle: (input, actor) => createArticle(ctx, input, actor),
		updateArticle: (id, input, actor) => updateArticle(ctx, id, input, actor),
		deleteArticle: (id) => deleteArticle(ctx, id),
		getArticle: (id) => getArticle(ctx, id),
		listArticles: (query) => listArticles(ctx, query),
		storeTranscript: (id, input) => storeTranscript(ctx, id, input),
		getTranscript: (id) => getTranscript(ctx, id),
		searchConversations: (query) => searchConversations(ctx, query),
		recentOrders: (customerId) => ctx.orders.recent(CustomerId.parse(customerId), RECENT_ORDERS),
		createTicket: (input, sender) => createTicket(ctx, input, sender),
		listTickets: (query) => listTickets(ctx, query),
		getTicket: (id) => getTicket(ctx, id),
		answerTicket: (id, input, actor) => answerTicket(ctx, id, input, actor),
		ticketMail: (replyId) => ticketMail(ctx, replyId),
		async stop() {
			await ctx.database.close();
		},
	};
}

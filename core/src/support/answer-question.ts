import { type BotAnswer, BotAnswerRequest, type BotCard } from "@bazaar/contracts/chat";
import { ORDER_STATUS_WORDS, type OrderStatus, type OrderSummary } from "@bazaar/contracts/order";
import type { Money } from "@bazaar/money";
import { sql } from "drizzle-orm";
import { listArticles } from "./articles";
import { iso, type SupportContext, supportWrite } from "./context";
import { contentWords, normalise, scoreArticles } from "./match-text";

// The bot (DESIGN.md flow 5): deterministic intent matching, in this order — a person asked for;
// a greeting or thanks; the status of the shopper's own orders (asked of the order module with
// their id: a guest, or an order that is not theirs, gets no data); shipping, returns and payment
// from the knowledge base (its article's words, never the bot's own); products from the catalog's
// search. Whatever it says comes from a record; when nothing fits it says it is unsure and offers
// a person, and the second time it is unsure in a conversation it hands the conversation over.

/** An article answers when it covers this much of the question (match-text.ts: 0 to 3). */
export const ARTICLE_THRESHOLD = 0.9;
const ORDER_ID = /\bord_[0-9a-z]{26}\b/gi;
const ASKS_FOR_PERSON =
	/\b(agent|human|representative|operator)s?\b|\b(talk|speak|chat|connect)\b.{0,30}\b(person|someone|somebody|people|staff)\b|\b(real|live) (person|people)\b/;
const GREETING = /^(hi|hello|hey|good (morning|afternoon|evening))\b[\s!.]*$/;
const THANKS = /^(thanks?( you)?|thank you( very much| so much)?|ty|cheers)\b[\s!.]*$/;
const ORDER_WORD = /\b(orders?|packages?|parcels?|purchases?|shipments?|deliver(y|ies))\b/;
const STATUS_WORD =
	/\b(where|status|track(ing)?|arriv\w*|when|shipped|deliver(ed)?|late|yet|coming|happen\w*|progress|update)\b/;
const PRODUCT_ASK =
	/\b(do you (sell|have|stock|carry)|looking for|search(ing)? for|find me|recommend|how much (is|are|does|do)|price of|cost of|in stock|want to buy|buy)\b/;
const PRODUCT_FILLER = new Set([
	"sell",
	"stock",
	"carry",
	"look",
	"search",
	"find",
	"recommend",
	"price",
	"cost",
	"buy",
]);

const CAPABILITIES =
	"I can look up your orders, answer questions about shipping, returns and payment, and find products.";

type Reply = Omit<BotAnswer, "handover"> & { handover?: boolean };

export async function answerQuestion(ctx: SupportContext, raw: unknown): Promise<BotAnswer> {
	const input = BotAnswerRequest.parse(raw);
	const reply = await compose(ctx, input.customerId, input.text);
	if (reply.handover) return note(ctx, input.conversationId, { ...reply, handover: true }, "handover");
	if (reply.confident) return { ...reply, handover: false };
	return note(ctx, input.conversationId, { ...reply, handover: false }, "unsure");
}

async function compose(ctx: SupportContext, customerId: string | null, text: string): Promise<Reply> {
	const said = normalise(text);
	if (ASKS_FOR_PERSON.test(said)) {
		return {
			text: "I'll ask a person from our team to join. Someone will be with you shortly.",
			cards: [],
			confident: true,
			handover: true,
		};
	}
	if (GREETING.test(said)) return { text: `Hello! ${CAPABILITIES} What can I do for you?`, cards: [], confident: true };
	if (THANKS.test(said)) return { text: "You're welcome! Anything else?", cards: [], confident: true };

	const orderIds = [...new Set([...text.matchAll(ORDER_ID)].map((m) => `ord_${m[0].slice(4).toUpperCase()}`))];
	if (orderIds.length > 0 || (ORDER_WORD.test(said) && STATUS_WORD.test(said))) {
		return orderStatus(ctx, customerId, orderIds.slice(0, 3));
	}
	const { items } = await listArticles(ctx);
	const [best] = scoreArticles(text, items);
	if (best && best.score >= ARTICLE_THRESHOLD) {
		return {
			text: best.item.body,
			cards: [{ kind: "article", articleId: best.item.id, title: best.item.title }],
			confident: true,
		};
	}
	if (PRODUCT_ASK.test(said)) return products(ctx, text);
	return unsure(`I'm not sure I understood that. ${CAPABILITIES} Would you like to talk to a person?`);
}

const unsure = (text: string, cards: BotCard[] = []): Reply => ({
	text,
	cards: [...cards, { kind: "handover" }],
	confident: false,
});

const orderCard = (o: OrderSummary): BotCard => ({
	kind: "order",
	orderId: o.id,
	number: o.id,
	status: o.status,
	url: `/account/orders/${o.id}`,
});

const placed = (o: OrderSummary) =>
	new Date(o.createdAt).toLocaleDateString("en-GB", {
		day: "numeric",
		month: "short",
		year: "numeric",
		timeZone: "UTC",
	});
const statusWords = (status: OrderStatus) => ORDER_STATUS_WORDS[status];

async function orderStatus(ctx: SupportContext, customerId: string | null, ids: string[]): Promise<Reply> {
	if (customerId === null) {
		return unsure(
			"I can only look up orders for shoppers who are signed in. Sign in and ask me again, or talk to a person.",
		);
	}
	if (ids.length > 0) {
		const found = (await Promise.all(ids.map((id) => ctx.orders.own(id, customerId)))).filter(
			(o): o is OrderSummary => o !== null,
		);
		if (found.length === 0) {
			return unsure(
				`I couldn't find ${ids.length === 1 ? "that order" : "those orders"} among your orders. Check the number on your order confirmation, or talk to a person.`,
			);
		}
		return {
			text: found.map((o) => `Order ${o.id} (placed ${placed(o)}) is ${statusWords(o.status)}.`).join(" "),
			cards: found.map(orderCard),
			confident: true,
		};
	}
	const recent = await ctx.orders.recent(customerId, 3);
	const [latest, ...others] = recent;
	if (!latest) return { text: "I don't see any orders on your account yet.", cards: [], confident: true };
	const more =
		others.length > 0 ? ` Your ${others.length === 1 ? "order before it is" : "orders before it are"} below too.` : "";
	return {
		text: `Your latest order, ${latest.id} (placed ${placed(latest)}), is ${statusWords(latest.status)}.${more}`,
		cards: recent.map(orderCard),
		confident: true,
	};
}

const price = (m: Money) => {
	const digits = m.currency === "JPY" ? 0 : 2;
	return `${(m.amount / 10 ** digits).toFixed(digits)} ${m.currency}`;
};

async function products(ctx: SupportContext, text: string): Promise<Reply> {
	const words = contentWords(text).filter((w) => !PRODUCT_FILLER.has(w));
	if (words.length === 0) return unsure(`What are you looking for? ${CAPABILITIES}`);
	const query = normalise(text)
		.split(" ")
		.filter((w) => words.includes(w) || words.includes(w.replace(/s$/, "")))
		.join(" ");
	const hits = await ctx.products.search(query || words.join(" "), 3);
	if (hits.length === 0) {
		return unsure(`I couldn't find “${query || words.join(" ")}” in our catalog. Would you like to talk to a person?`);
	}
	return {
		text: `Here is what I found: ${hits.map((h) => `${h.title} (${price(h.price)})`).join("; ")}.`,
		cards: hits.map((h) => ({
			kind: "product",
			productId: h.productId,
			title: h.title,
			url: `/products/${h.slug}`,
			price: h.price,
		})),
		confident: true,
	};
}

/**
 * Counts an unsure answer in the conversation; the second one hands it over (once is a guess
 * worth a second try, twice is a shopper going round in circles). A handover is noted too.
 */
async function note(
	ctx: SupportContext,
	conversationId: string,
	reply: BotAnswer,
	what: "unsure" | "handover",
): Promise<BotAnswer> {
	const at = iso(ctx.now());
	const unsureCount = await supportWrite(ctx, async (tx) => {
		const [row] = await tx.all<{ unsure: number }>(
			sql`INSERT INTO support_bot_state (conversation_id, unsure, handed_over_at, updated_at)
				VALUES (${conversationId}, ${what === "unsure" ? 1 : 0}, ${what === "handover" ? at : null}, ${at})
				ON CONFLICT(conversation_id) DO UPDATE SET
					unsure = unsure + ${what === "unsure" ? 1 : 0},
					handed_over_at = coalesce(handed_over_at, ${what === "handover" ? at : null}),
					updated_at = ${at}
				RETURNING unsure`,
		);
		return row?.unsure ?? 0;
	});
	if (what === "unsure" && unsureCount >= 2) {
		return {
			text: "I'm still not sure I can help with that, so I'm handing you to a person from our team. Someone will be with you shortly.",
			cards: reply.cards.filter((c) => c.kind !== "handover"),
			confident: false,
			handover: true,
		};
	}
	return reply;
}

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ProductList } from "@bazaar/contracts";
import type { BotAnswer, ChatEntry } from "@bazaar/contracts/chat";
import type {
	Article,
	ConversationList,
	ConversationSummary,
	Ticket,
	TicketList,
	Transcript,
} from "@bazaar/contracts/support";
import { newId } from "@bazaar/ids";
import { json } from "../testing/harness";
import { rows } from "../testing/sql";
import { ADMIN, AGENT, GUEST, ROOM, type SupportHarness, supportHarness } from "./testing/fixtures";

// The support module through its signed routes, on real parts: the knowledge base staff edit,
// the bot (its intents, the shopper's own orders only, the knowledge base word for word, the
// catalog's products and prices, unsure twice → a person), transcripts stored idempotently and
// found by shopper or order, tickets left, rate limited, answered by mail. Every refusal is a
// problem JSON that changes nothing.

let h: SupportHarness;
const articles: Record<string, Article> = {};
beforeAll(async () => {
	h = await supportHarness();
	const kb = [
		{
			title: "How long shipping takes",
			body: "Standard shipping takes 3 to 5 working days; express takes 1 to 2.",
			topic: "shipping",
			keywords: ["shipping", "delivery time", "how long"],
		},
		{
			title: "Returns and refunds",
			body: "You can return any item within 30 days for a full refund.",
			topic: "returns",
			keywords: ["return", "refund", "send back"],
			canned: true,
		},
		{
			title: "Ways to pay",
			body: "We take Visa, Mastercard and PayPal.",
			topic: "payment",
			keywords: ["payment", "pay", "card", "paypal"],
		},
	];
	for (const a of kb) {
		const res = await h.call("POST", "/support/admin/articles", { body: a });
		expect(res.status).toBe(201);
		const created = await json<Article>(res);
		articles[a.topic] = created;
	}
});
afterAll(async () => {
	await h?.close();
});

const cnv = () => newId("cnv");
async function ask(text: string, customerId: string | null = null, conversationId = cnv()) {
	const res = await h.call("POST", "/support/bot/answer", { caller: ROOM, body: { conversationId, customerId, text } });
	expect(res.status).toBe(200);
	return json<BotAnswer>(res);
}
async function problemOf(res: Response, status: number) {
	expect(res.status).toBe(status);
	expect(res.headers.get("content-type")).toContain("application/problem+json");
	return json<{ status: number; detail?: string; title?: string }>(res);
}

describe("knowledge base", () => {
	test("staff create, read, change, list and delete articles", async () => {
		const res = await h.call("POST", "/support/admin/articles", {
			caller: ADMIN,
			body: {
				title: "Gift wrapping",
				body: "We wrap gifts for free.",
				topic: "other",
				keywords: ["Gift", "gift", "wrap"],
			},
		});
		const a = await json<Article>(res);
		expect(res.status).toBe(201);
		expect(a).toMatchObject({ topic: "other", keywords: ["gift", "wrap"], canned: false, updatedBy: ADMIN.user });
		expect(await json<Article>(await h.call("GET", `/support/admin/articles/${a.id}`))).toEqual(a);
		const patched = await json<Article>(
			await h.call("PATCH", `/support/admin/articles/${a.id}`, { body: { canned: true, body: "Free gift wrap." } }),
		);
		expect(patched).toMatchObject({
			id: a.id,
			title: "Gift wrapping",
			body: "Free gift wrap.",
			keywords: ["gift", "wrap"],
			canned: true,
			updatedBy: AGENT.user,
		});
		const canned = await json<{ items: Article[] }>(await h.call("GET", "/support/admin/articles?canned=true"));
		expect(canned.items.map((i) => i.id).sort()).toEqual([a.id, articles.returns?.id].sort() as string[]);
		const found = await json<{ items: Article[] }>(await h.call("GET", "/support/admin/articles?q=WRAP"));
		expect(found.items.map((i) => i.id)).toEqual([a.id]);
		expect((await h.call("DELETE", `/support/admin/articles/${a.id}`)).status).toBe(200);
		await problemOf(await h.call("GET", `/support/admin/articles/${a.id}`), 404);
		await problemOf(await h.call("DELETE", `/support/admin/articles/${a.id}`), 404);
	});

	test("bad articles are 400s and change nothing; only staff may touch the knowledge base", async () => {
		const before = await rows(h.mod.context.database, "SELECT id FROM support_articles");
		for (const body of [
			{ title: "x", body: "b", topic: "shipping" },
			{ title: "Fine title", body: "b", topic: "weather" },
			{ title: "Fine title", body: "b", topic: "other", extra: 1 },
			{ title: "Fine title", body: "", topic: "other" },
			{ title: "Fine title", body: "b", topic: "other", keywords: ["<script>"] },
		]) {
			await problemOf(await h.call("POST", "/support/admin/articles", { body }), 400);
		}
		await problemOf(await h.call("POST", "/support/admin/articles", { body: "not json" }), 400);
		await problemOf(await h.call("PATCH", `/support/admin/articles/${articles.shipping?.id}`, { body: {} }), 400);
		const shopper = await h.shopper();
		await problemOf(await h.call("GET", "/support/admin/articles", { caller: shopper.caller }), 403);
		await problemOf(
			await h.call("POST", "/support/admin/articles", {
				caller: ROOM,
				body: { title: "Sneaky", body: "b", topic: "other" },
			}),
			403,
		);
		expect(await rows(h.mod.context.database, "SELECT id FROM support_articles")).toEqual(before);
	});
});

describe("the bot", () => {
	test("answers in the rooms' exact shape; a person asked for is a handover", async () => {
		for (const text of ["Can I talk to a person please?", "agent", "HUMAN!", "I want to speak with someone"]) {
			const a = await ask(text);
			expect(Object.keys(a).sort()).toEqual(["cards", "confident", "handover", "text"]);
			expect(a.handover).toBe(true);
		}
		const hello = await ask("Hello!");
		expect(hello).toMatchObject({ confident: true, handover: false, cards: [] });
	});

	test("shipping, returns and payment come from the knowledge base word for word", async () => {
		const shipping = await ask("How long does shipping take to Spain?");
		expect(shipping).toEqual({
			text: articles.shipping?.body as string,
			cards: [{ kind: "article", articleId: articles.shipping?.id as string, title: "How long shipping takes" }],
			confident: true,
			handover: false,
		});
		expect((await ask("Can I send back a jacket and get a refund?")).text).toBe(articles.returns?.body as string);
		expect((await ask("do you take paypal")).cards).toEqual([
			{ kind: "article", articleId: articles.payment?.id as string, title: "Ways to pay" },
		]);
	});

	test("a shopper's own orders: the latest, or the one they name; status from the order module", async () => {
		const shopper = await h.shopper();
		const first = await h.order(shopper.id);
		const second = await h.order(shopper.id);
		const latest = await ask("Where is my order?", shopper.id);
		expect(latest.confident).toBe(true);
		expect(latest.text).toContain(second);
		expect(latest.text).toContain("pending payment");
		expect(latest.cards).toEqual(
			[second, first].map((id) => ({
				kind: "order",
				orderId: id,
				number: id,
				status: "pending_payment",
				url: `/account/orders/${id}`,
			})),
		);
		const named = await ask(`what's the status of ${first.toLowerCase()}?`, shopper.id);
		expect(named.cards).toEqual([
			{ kind: "order", orderId: first, number: first, status: "pending_payment", url: `/account/orders/${first}` },
		]);

		const fresh = await h.shopper();
		expect(await ask("where is my order", fresh.id)).toMatchObject({ confident: true, cards: [] });
	});

	test("someone else's order, or a guest asking, gets no data", async () => {
		const owner = await h.shopper();
		const theirs = await h.order(owner.id);
		const other = await h.shopper();
		const stranger = await ask(`Where is order ${theirs}?`, other.id);
		expect(stranger.confident).toBe(false);
		expect(stranger.cards).toEqual([{ kind: "handover" }]);
		expect(stranger.text).not.toContain(theirs);
		expect(stranger.text).not.toContain("pending");
		const guest = await ask(`Where is order ${theirs}?`, null);
		expect(guest).toMatchObject({ confident: false, cards: [{ kind: "handover" }] });
		expect(guest.text).not.toContain("pending");
		const made = await ask("where is order ord_00000000000000000000000000", owner.id);
		expect(made.cards).toEqual([{ kind: "handover" }]);
	});

	test("product questions come from the catalog's search, with its prices", async () => {
		const list = await json<ProductList>(await h.catalog.call("GET", "/catalog/products?limit=1&sort=newest"));
		const product = list.items[0];
		if (!product) throw new Error("the seeded catalog is empty");
		const word = product.title.split(/\s+/).sort((a, b) => b.length - a.length)[0] as string;
		const a = await ask(`Do you sell ${word}?`);
		expect(a.confident).toBe(true);
		expect(a.cards.length).toBeGreaterThan(0);
		const search = await json<ProductList>(
			await h.catalog.call("GET", `/catalog/search?q=${encodeURIComponent(word.toLowerCase())}&limit=3&sort=relevance`),
		);
		expect(a.cards).toEqual(
			search.items.map((p) => ({
				kind: "product",
				productId: p.id,
				title: p.title,
				url: `/products/${p.slug}`,
				price: p.price,
			})),
		);
		const nothing = await ask("do you sell zzqxwv");
		expect(nothing).toMatchObject({ confident: false, cards: [{ kind: "handover" }] });
	});

	test("unsure once offers a person; unsure twice in a conversation hands it over", async () => {
		const conversationId = cnv();
		const once = await ask("my cat ate the purple", null, conversationId);
		expect(once).toMatchObject({ confident: false, handover: false, cards: [{ kind: "handover" }] });
		// A confident answer between does not clear it.
		expect((await ask("hello", null, conversationId)).confident).toBe(true);
		const twice = await ask("blorp the flange", null, conversationId);
		expect(twice).toMatchObject({ confident: false, handover: true });
		// Another conversation starts afresh.
		expect((await ask("blorp the flange")).handover).toBe(false);
	});

	test("bad questions are 400s; only the rooms (service) may ask", async () => {
		for (const body of [
			{ conversationId: cnv(), customerId: null },
			{ conversationId: "room 1", customerId: null, text: "hi" },
			{ conversationId: cnv(), customerId: null, text: "" },
			{ conversationId: cnv(), customerId: null, text: "x".repeat(2_001) },
			{ conversationId: cnv(), customerId: null, text: "hi", more: true },
		]) {
			await problemOf(await h.call("POST", "/support/bot/answer", { caller: ROOM, body }), 400);
		}
		const shopper = await h.shopper();
		await problemOf(
			await h.call("POST", "/support/bot/answer", {
				caller: shopper.caller,
				body: { conversationId: cnv(), customerId: "usr_someone_else", text: "where is my order" },
			}),
			403,
		);
	});
});

const entry = (
	id: number,
	kind: "shopper" | "agent" | "bot",
	text: string,
	extra: Partial<ChatEntry> = {},
): ChatEntry =>
	({
		type: "text",
		id,
		clientId: `c${id}`,
		author: { kind, name: kind },
		text,
		at: new Date(Date.UTC(2026, 11, 2, 10, 0, id)).toISOString(),
		...extra,
	}) as ChatEntry;

describe("transcripts", () => {
	test("a transcript is stored once however often it is sent, and found by shopper, email or order", async () => {
		const shopper = await h.shopper();
		const order = await h.order(shopper.id);
		const id = cnv();
		const body = {
			customerId: shopper.id,
			guestId: null,
			openedAt: "2026-12-02T10:00:00.000Z",
			closedAt: "2026-12-02T10:05:00.000Z",
			agentIds: [AGENT.user],
			messages: [
				entry(1, "shopper", `Hi, where is ${order.toLowerCase()}?`),
				entry(2, "bot", "It is pending payment.", {
					cards: [{ kind: "order", orderId: order, number: order, status: "pending_payment", url: "/x" }],
				} as Partial<ChatEntry>),
				{ type: "system", id: 3, event: "claimed", agent: "Ann", at: "2026-12-02T10:01:00.000Z" },
				entry(4, "agent", "Let me check that for you."),
			],
		};
		const first = await h.call("PUT", `/support/conversations/${id}/transcript`, { caller: ROOM, body });
		expect(first.status).toBe(201);
		const again = await h.call("PUT", `/support/conversations/${id}/transcript`, { caller: ROOM, body });
		expect(again.status).toBe(200);
		const summary = await json<ConversationSummary>(again);
		expect(summary).toMatchObject({
			id,
			customerId: shopper.id,
			messageCount: 4,
			orderIds: [order],
			agentIds: [AGENT.user],
		});
		expect(summary.preview).toContain("where is");
		expect(
			await rows(h.mod.context.database, "SELECT seq FROM support_messages WHERE conversation_id = ?", id),
		).toHaveLength(4);

		for (const q of [
			`customerId=${shopper.id}`,
			`email=${encodeURIComponent(shopper.email.toUpperCase())}`,
			`orderId=${order}`,
			`orderId=${order.toLowerCase()}`,
		]) {
			const found = await json<ConversationList>(await h.call("GET", `/support/admin/conversations?${q}`));
			expect(found.items.map((c) => c.id)).toEqual([id]);
		}
		const nobody = await json<ConversationList>(
			await h.call("GET", "/support/admin/conversations?email=nobody%40example.test"),
		);
		expect(nobody.items).toEqual([]);
		const full = await json<Transcript>(await h.call("GET", `/support/admin/conversations/${id}`));
		expect(full.messages).toEqual(body.messages as ChatEntry[]);
		await problemOf(await h.call("GET", `/support/admin/conversations/${cnv()}`), 404);
	});

	test("the search pages newest first", async () => {
		const shopper = await h.shopper();
		const ids: string[] = [];
		for (let i = 0; i < 3; i++) {
			const id = cnv();
			ids.push(id);
			const res = await h.call("PUT", `/support/conversations/${id}/transcript`, {
				caller: ROOM,
				body: {
					customerId: shopper.id,
					guestId: null,
					openedAt: `2026-12-0${i + 1}T09:00:00.000Z`,
					closedAt: `2026-12-0${i + 1}T10:00:00.000Z`,
					agentIds: [],
					messages: [entry(1, "shopper", `question ${i}`)],
				},
			});
			expect(res.status).toBe(201);
		}
		const page1 = await json<ConversationList>(
			await h.call("GET", `/support/admin/conversations?customerId=${shopper.id}&limit=2`),
		);
		expect(page1.items.map((c) => c.id)).toEqual([ids[2], ids[1]] as string[]);
		const page2 = await json<ConversationList>(
			await h.call(
				"GET",
				`/support/admin/conversations?customerId=${shopper.id}&limit=2&cursor=${encodeURIComponent(page1.nextCursor as string)}`,
			),
		);
		expect(page2).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
	});

	test("bad transcripts and searches are 400s; only the rooms store and only staff search", async () => {
		const good = {
			customerId: null,
			guestId: "guest_1",
			openedAt: "2026-12-02T10:00:00.000Z",
			closedAt: "2026-12-02T10:05:00.000Z",
			agentIds: [],
			messages: [entry(1, "shopper", "hi")],
		};
		for (const [id, body] of [
			["not a conversation", good],
			[cnv(), { ...good, closedAt: "2026-12-01T00:00:00.000Z" }],
			[cnv(), { ...good, openedAt: "yesterday" }],
			[cnv(), { ...good, messages: [entry(1, "shopper", "a"), entry(1, "shopper", "b")] }],
			[cnv(), { ...good, messages: [{ type: "text", id: 1 }] }],
			[cnv(), { ...good, agentIds: undefined }],
		] as const) {
			await problemOf(
				await h.call("PUT", `/support/conversations/${encodeURIComponent(id)}/transcript`, { caller: ROOM, body }),
				400,
			);
		}
		expect(
			await rows(h.mod.context.database, "SELECT id FROM support_conversations WHERE guest_id = 'guest_1'"),
		).toEqual([]);
		await problemOf(
			await h.call("PUT", `/support/conversations/${cnv()}/transcript`, { caller: AGENT, body: good }),
			403,
		);
		await problemOf(await h.call("GET", "/support/admin/conversations"), 400);
		await problemOf(await h.call("GET", "/support/admin/conversations?orderId=12"), 400);
		await problemOf(await h.call("GET", "/support/admin/conversations?customerId=x&cursor=nope"), 400);
		await problemOf(await h.call("GET", "/support/admin/conversations?customerId=x", { caller: GUEST }), 403);
	});

	test("staff see a shopper's recent orders beside a conversation", async () => {
		const shopper = await h.shopper();
		const order = await h.order(shopper.id);
		const res = await json<{ items: { id: string }[] }>(
			await h.call("GET", `/support/admin/customers/${shopper.id}/orders`),
		);
		expect(res.items.map((o) => o.id)).toEqual([order]);
		await problemOf(
			await h.call("GET", `/support/admin/customers/${shopper.id}/orders`, { caller: shopper.caller }),
			403,
		);
		await problemOf(await h.call("GET", `/support/admin/customers/${"x".repeat(65)}/orders`), 400);
	});
});

describe("tickets", () => {
	test("a guest leaves one with an email; staff list, read and answer it; the answer goes by mail", async () => {
		await problemOf(
			await h.call("POST", "/support/tickets", { caller: GUEST, body: { message: "Hello there, anyone?" } }),
			400,
		);
		const email = `guest.${Date.now()}@example.test`;
		const res = await h.call("POST", "/support/tickets", {
			caller: GUEST,
			body: { email, name: "Gita", message: "My parcel arrived damaged.\nWhat now?" },
		});
		expect(res.status).toBe(201);
		const receipt = await json<{ id: string; status: string }>(res);
		expect(receipt.status).toBe("open");

		const open = await json<TicketList>(await h.call("GET", "/support/admin/tickets?status=open"));
		expect(open.items.map((t) => t.id)).toContain(receipt.id);
		const ticket = await json<Ticket>(await h.call("GET", `/support/admin/tickets/${receipt.id}`));
		expect(ticket).toMatchObject({
			email,
			name: "Gita",
			subject: "My parcel arrived damaged.",
			status: "open",
			customerId: null,
			replies: [],
		});

		const answered = await json<Ticket>(
			await h.call("POST", `/support/admin/tickets/${receipt.id}/answer`, {
				body: { message: "Sorry! A new one is on its way." },
			}),
		);
		expect(answered.status).toBe("closed");
		expect(answered.replies).toEqual([
			expect.objectContaining({ by: AGENT.user, message: "Sorry! A new one is on its way." }),
		]);
		await h.mailSettled();
		const mail = (await h.identity.mod.listMail({ to: email })).items;
		expect(mail).toHaveLength(1);
		expect(mail[0]).toMatchObject({ subject: "Re: My parcel arrived damaged." });
		expect(mail[0]?.text).toContain("Sorry! A new one is on its way.");
		expect(mail[0]?.text).toContain("> My parcel arrived damaged.");
	});

	test("a signed-in shopper's ticket takes their account's email; staff only see tickets", async () => {
		const shopper = await h.shopper();
		const res = await h.call("POST", "/support/tickets", {
			caller: shopper.caller,
			body: { message: "Please call me back." },
		});
		expect(res.status).toBe(201);
		const { id } = await json<{ id: string }>(res);
		expect(await json<Ticket>(await h.call("GET", `/support/admin/tickets/${id}`))).toMatchObject({
			customerId: shopper.id,
			email: shopper.email,
		});
		await problemOf(await h.call("GET", "/support/admin/tickets", { caller: shopper.caller }), 403);
		await problemOf(await h.call("GET", `/support/admin/tickets/${id}`, { caller: shopper.caller }), 403);
		await problemOf(
			await h.call("POST", `/support/admin/tickets/${id}/answer`, { caller: shopper.caller, body: { message: "hi" } }),
			403,
		);
		await problemOf(
			await h.call("POST", `/support/admin/tickets/${id.replace(/.$/, "0")}/answer`, { body: { message: "hi" } }),
			404,
		);
		await problemOf(await h.call("POST", `/support/admin/tickets/${id}/answer`, { body: { message: "" } }), 400);
		await problemOf(await h.call("GET", "/support/admin/tickets?status=lost"), 400);
	});

	test("leaving tickets is rate limited per sender; bad tickets change nothing", async () => {
		const email = `flood.${Date.now()}@example.test`;
		const statuses: number[] = [];
		for (let i = 0; i < 5; i++) {
			const res = await h.call("POST", "/support/tickets", {
				caller: GUEST,
				body: { email, message: `Message number ${i}` },
			});
			statuses.push(res.status);
			if (res.status === 429) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
		}
		expect(statuses).toEqual([201, 201, 201, 429, 429]);
		const before = await rows(h.mod.context.database, "SELECT id FROM support_tickets");
		for (const body of [
			{ email: "not-an-email", message: "Hello there" },
			{ email, message: "hi" },
			{ email, message: "Hello there", status: "closed" },
		]) {
			await problemOf(await h.call("POST", "/support/tickets", { caller: GUEST, body }), 400);
		}
		expect(await rows(h.mod.context.database, "SELECT id FROM support_tickets")).toEqual(before);
	});
});

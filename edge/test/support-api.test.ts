import { env } from "cloudflare:workers";
import type {
	Article,
	ConversationList,
	Ticket,
	TicketList,
	TicketReceipt,
	Transcript,
} from "@bazaar/contracts/support";
import { newId } from "@bazaar/ids";
import { describe, expect, it } from "vitest";
import { createSession } from "../src/session/store";
import { coreCall, eventually, placeOrder, signUp } from "./account-support";
import { adminHeaders, edge, ORIGIN } from "./helpers";

// Live support's API through the Worker against the real core: the knowledge base, past
// conversations and tickets under /api/admin/support for admin or support_agent (the core's
// rule: other staff roles get its 403, shoppers the edge's), and a shopper's or guest's message
// for the team at /api/support/tickets (same-site JSON only, rate limited by the core). Each test
// signs up several accounts (argon2id at the core), so they get more than the default time.

const ROOM = { user: "edge", roles: ["service"] };

/** A bearer for a fresh account given these roles through the admin API. */
async function bearerWith(roles: string[]): Promise<Record<string, string>> {
	const s = await signUp("Sam Staff");
	if (roles.join() !== "customer") {
		const set = await edge(`/api/admin/identity/users/${s.caller.user}/roles`, {
			method: "PUT",
			headers: await adminHeaders(),
			body: JSON.stringify({ roles }),
		});
		expect(set.status, await set.clone().text()).toBe(200);
	}
	const session = await createSession(env.SESSIONS, { userId: s.caller.user, roles, generation: s.generation });
	return { authorization: `Bearer ${session.id}`, "content-type": "application/json" };
}

const send = (path: string, method: string, headers: Record<string, string>, body?: unknown) =>
	edge(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

describe("live support through the edge", () => {
	it("an agent edits the knowledge base; other staff get the core's 403, shoppers the edge's", async () => {
		const agent = await bearerWith(["support_agent"]);
		const created = await send("/api/admin/support/articles", "POST", agent, {
			title: "Gift cards",
			body: "Gift cards never expire.",
			topic: "payment",
			keywords: ["gift card"],
			canned: true,
		});
		expect(created.status, await created.clone().text()).toBe(201);
		const article = (await created.json()) as Article;
		const patched = await send(`/api/admin/support/articles/${article.id}`, "PATCH", agent, {
			body: "Gift cards last forever.",
		});
		expect(((await patched.json()) as Article).body).toBe("Gift cards last forever.");
		const list = (await (await send("/api/admin/support/articles?canned=true", "GET", agent)).json()) as {
			items: Article[];
		};
		expect(list.items.map((a) => a.id)).toContain(article.id);
		const admin = await adminHeaders();
		expect((await send(`/api/admin/support/articles/${article.id}`, "GET", admin)).status).toBe(200);

		const manager = await bearerWith(["catalog_manager"]);
		const refused = await send("/api/admin/support/articles", "GET", manager);
		expect(refused.status).toBe(403);
		expect(refused.headers.get("content-type")).toContain("application/problem+json");
		expect((await send("/api/admin/support/articles", "GET", await bearerWith(["customer"]))).status).toBe(403);
		expect((await edge("/api/admin/support/articles")).status).toBe(401);
		const bad = await send("/api/admin/support/articles", "POST", agent, { title: "x", body: "", topic: "weather" });
		expect(bad.status).toBe(400);
		expect(bad.headers.get("content-type")).toContain("application/problem+json");
		expect((await send(`/api/admin/support/articles/${article.id}`, "DELETE", agent)).status).toBe(200);
		expect((await send(`/api/admin/support/articles/${article.id}`, "GET", agent)).status).toBe(404);
	}, 90_000);

	it("a closed conversation is found by shopper and by order, with the shopper's recent orders beside it", async () => {
		const shopper = await signUp("Olga Orders");
		const order = await placeOrder(shopper.caller);
		const id = newId("cnv");
		const stored = await coreCall("PUT", `/support/conversations/${id}/transcript`, ROOM, {
			customerId: shopper.caller.user,
			guestId: null,
			openedAt: "2026-12-02T10:00:00.000Z",
			closedAt: "2026-12-02T10:04:00.000Z",
			agentIds: [],
			messages: [
				{
					type: "text",
					id: 1,
					clientId: "a1",
					author: { kind: "shopper", name: "Olga" },
					text: `where is ${order.id}?`,
					at: "2026-12-02T10:00:01.000Z",
				},
			],
		});
		expect(stored.status).toBe(201);
		const agent = await bearerWith(["support_agent"]);
		for (const q of [
			`orderId=${order.id}`,
			`customerId=${shopper.caller.user}`,
			`email=${encodeURIComponent(shopper.email)}`,
		]) {
			const found = (await (
				await send(`/api/admin/support/conversations?${q}`, "GET", agent)
			).json()) as ConversationList;
			expect(found.items.map((c) => c.id)).toEqual([id]);
		}
		const transcript = (await (
			await send(`/api/admin/support/conversations/${id}`, "GET", agent)
		).json()) as Transcript;
		expect(transcript.messages).toHaveLength(1);
		const recent = (await (
			await send(`/api/admin/support/customers/${shopper.caller.user}/orders`, "GET", agent)
		).json()) as {
			items: { id: string }[];
		};
		expect(recent.items.map((o) => o.id)).toEqual([order.id]);
		expect((await send("/api/admin/support/conversations", "GET", agent)).status).toBe(400);
		// An encoded separator cannot reach past /support/admin.
		expect((await send("/api/admin/support/..%2f..%2fbot%2fanswer", "GET", agent)).status).toBe(400);
	}, 90_000);

	it("a guest leaves a message with an email, an agent answers it; the form's writes are same-site JSON", async () => {
		const email = `guest.${Date.now()}@example.test`;
		const json = { "content-type": "application/json", origin: ORIGIN, "cf-connecting-ip": "192.0.2.44" };
		const left = await send("/api/support/tickets", "POST", json, {
			email,
			message: "Does the blue kettle come in red?",
		});
		expect(left.status).toBe(201);
		const receipt = (await left.json()) as TicketReceipt;
		expect(receipt.status).toBe("open");
		const noEmail = await send("/api/support/tickets", "POST", json, { message: "Hello, anyone there?" });
		expect(noEmail.status).toBe(400);
		expect(noEmail.headers.get("content-type")).toContain("application/problem+json");
		expect(
			(
				await send(
					"/api/support/tickets",
					"POST",
					{ ...json, origin: "https://evil.example" },
					{ email, message: "phishy phish" },
				)
			).status,
		).toBe(403);
		expect(
			(
				await send(
					"/api/support/tickets",
					"POST",
					{ ...json, "content-type": "text/plain" },
					{ email, message: "plain text" },
				)
			).status,
		).toBe(415);

		const agent = await bearerWith(["support_agent"]);
		const open = (await (await send("/api/admin/support/tickets?status=open", "GET", agent)).json()) as TicketList;
		expect(open.items.map((t) => t.id)).toContain(receipt.id);
		const answered = await send(`/api/admin/support/tickets/${receipt.id}/answer`, "POST", agent, {
			message: "Yes, it does!",
		});
		expect(answered.status).toBe(200);
		expect(((await answered.json()) as Ticket).status).toBe("closed");
		// The answer goes out through the shop's mail outbox.
		await eventually(async () => {
			const res = await coreCall("GET", `/identity/dev/mail?to=${encodeURIComponent(email)}`, ROOM);
			const mail = res.body as { items: { subject: string; text: string }[] };
			return mail.items.find(
				(m) => m.text.includes("Yes, it does!") && m.subject === "Re: Does the blue kettle come in red?",
			);
		}, "the answer in the mail outbox");
	}, 90_000);

	it("a shopper's messages are rate limited, with Retry-After", async () => {
		const shopper = await signUp("Rita Rate");
		const session = await createSession(env.SESSIONS, {
			userId: shopper.caller.user,
			roles: shopper.caller.roles,
			generation: shopper.generation,
		});
		const headers = { authorization: `Bearer ${session.id}`, "content-type": "application/json" };
		const statuses: number[] = [];
		let retryAfter: string | null = null;
		for (let i = 0; i < 4; i++) {
			const res = await send("/api/support/tickets", "POST", headers, { message: `Question number ${i}` });
			statuses.push(res.status);
			if (res.status === 429) retryAfter = res.headers.get("retry-after");
		}
		expect(statuses).toEqual([201, 201, 201, 429]);
		expect(Number(retryAfter)).toBeGreaterThan(0);
	}, 90_000);
});

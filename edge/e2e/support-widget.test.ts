import type { Page, WebSocketRoute } from "playwright-core";
import { describe, expect, it } from "vitest";
import { axe, blocking, describeViolations } from "./axe.ts";
import { browserSession, buyOneInSandbox, signUpInBrowser, unavailable } from "./chromium.ts";

// The support chat in Chromium against the whole local stack (core + `wrangler dev`): the shared
// client module (/assets/support-client.js) and the shopper's widget on storefront pages. Nobody
// stubs the room or the bot: the widget talks to the real SupportRoom through the Worker, and the
// bot asks the real core about the shopper's real order.

type Entry = { type: string; id: number; author?: { kind: string }; text?: string; event?: string };
type Listed = { slug: string; title: string };

const PASSWORD = "correct horse battery staple";

/** Run in the page as written (vitest would rewrite a dynamic import inside a function). */
const CLIENT_SMOKE = `(async () => {
	const mod = await import("/assets/support-client.js");
	const entries = [];
	const acks = [];
	const statuses = [];
	const chat = await mod.connectSupport({}, {
		onEntry: (e) => entries.push(e),
		onAck: (c) => acks.push(c),
		onStatus: (s) => statuses.push(s),
	});
	const clientId = chat.sendText("How long does shipping take?");
	const deadline = Date.now() + 15000;
	while (Date.now() < deadline && !entries.some((e) => e.author && e.author.kind === "bot")) {
		await new Promise((r) => setTimeout(r, 100));
	}
	chat.disconnect();
	return { entries, acks, clientId, statuses, conversationId: chat.conversationId, status: chat.status };
})()`;

const launcher = (page: Page) => page.getByTestId("support-launcher");
const panel = (page: Page) => page.getByTestId("support-panel");
const messages = (page: Page) => panel(page).locator(".bz-chat-log > li");

/** The conversation id of every join the page makes from now on, in order ("none" without one). */
function conversationsJoined(page: Page): string[] {
	const joined: string[] = [];
	page.on("response", (r) => {
		if (new URL(r.url()).pathname !== "/api/support/join") return;
		void r
			.json()
			.then((b: { conversationId?: string }) => joined.push(b.conversationId ?? "none"))
			.catch(() => {});
	});
	return joined;
}

async function say(page: Page, text: string) {
	await page.locator("#bz-chat-text").fill(text);
	await page.locator("#bz-chat-text").press("Enter");
}

describe.skipIf(unavailable)("the support chat in a browser", () => {
	const session = browserSession({ products: 20 });
	const { withLogs, json } = session;

	it("the shared client joins a guest's conversation, sends a text and gets the bot's answer", () =>
		withLogs(async () => {
			const page = session.page;
			await page.goto("/");
			const result = (await page.evaluate(CLIENT_SMOKE)) as {
				entries: Entry[];
				acks: string[];
				clientId: string;
				statuses: string[];
				conversationId: string;
				status: string;
			};
			expect(result.acks).toEqual([result.clientId]);
			expect(result.conversationId).toMatch(/^cnv_/);
			expect(result.entries.some((e) => e.author?.kind === "bot")).toBe(true);
			// It starts "connecting" (chat.status); onStatus reports the changes.
			expect(result.statuses).toEqual(["open", "closed"]);
		}));

	it(
		"a shopper asks about their order and gets its status card; a dropped socket reconnects and loses nothing",
		() =>
			withLogs(async () => {
				const { browser, stack } = session;
				const context = await browser.newContext({ baseURL: stack.edgeUrl });
				const page = await context.newPage();
				session.page = page;
				// The room's WebSocket goes through Playwright so the test can cut it, as a network would.
				const sockets: WebSocketRoute[] = [];
				let down = false;
				await page.routeWebSocket(/\/parties\/support-room\//, (ws) => {
					if (down) {
						ws.close({ code: 1006, reason: "network down" });
						return;
					}
					sockets.push(ws);
					ws.connectToServer();
				});
				const scripts: string[] = [];
				page.on("request", (r) => {
					if (r.resourceType() === "script") scripts.push(new URL(r.url()).pathname);
				});

				await signUpInBrowser(page, {
					name: "Olive Order",
					email: `olive-${Date.now()}@example.com`,
					password: PASSWORD,
				});
				const product = (await json<{ items: Listed[] }>("/api/catalog/products?kind=physical&inStock=true&limit=1"))
					.items[0]!;
				const orderId = await buyOneInSandbox(page, { slug: product.slug, shipTo: "Olive Order" });
				expect(orderId).toMatch(/^ord_/);

				scripts.length = 0;
				await page.goto("/");
				// The launcher only: the chat's code is fetched when the shopper opens it.
				await expect.poll(() => launcher(page).isVisible()).toBe(true);
				expect(scripts.some((s) => s.endsWith("/support-widget.js"))).toBe(true);
				expect(scripts.some((s) => s.endsWith("/partysocket.js") || s.endsWith("/support-client.js"))).toBe(false);
				expect(await launcher(page).getAttribute("aria-expanded")).toBe("false");
				expect(await panel(page).isHidden()).toBe(true);

				// Keyboard: focus the launcher, Enter opens the panel and moves focus into it.
				await launcher(page).focus();
				await page.keyboard.press("Enter");
				expect(await launcher(page).getAttribute("aria-expanded")).toBe("true");
				await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("bz-chat-text");
				expect(await page.getByRole("dialog", { name: "Customer support" }).isVisible()).toBe(true);
				expect(await panel(page).locator('[aria-live="polite"]').count()).toBe(1);

				await say(page, "Where is my order?");
				const card = panel(page).locator('[data-card="order"]').first();
				await card.waitFor({ timeout: 20_000 });
				const link = card.locator("a");
				expect(await link.getAttribute("href")).toBe(`/account/orders/${orderId}`);
				expect(await link.textContent()).toMatch(/^Order /);
				expect((await card.textContent()) ?? "").toMatch(/paid|processing|pending|confirmed|placed/i);
				// The shopper's own text is marked sent once the room acknowledged it.
				const mine = panel(page).locator('li[data-author="shopper"]');
				await expect.poll(() => mine.first().locator(".bz-chat-note").textContent()).toBe("");

				// axe on the open widget with a bot card in it.
				const violations = (await axe(page)).filter(blocking);
				expect(violations, describeViolations("/ (chat open)", violations)).toEqual([]);

				// Esc closes it and gives focus back to the launcher.
				await page.keyboard.press("Escape");
				expect(await panel(page).isHidden()).toBe(true);
				expect(await launcher(page).getAttribute("aria-expanded")).toBe("false");
				expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("support-launcher");

				// The network drops: the widget says so, keeps what the shopper writes meanwhile, and
				// delivers it once the room is back, with the bot's answer, each exactly once.
				await page.keyboard.press("Enter");
				const before = await messages(page).count();
				down = true;
				for (const ws of sockets.splice(0)) await ws.close({ code: 1006, reason: "network down" });
				const status = panel(page).locator(".bz-chat-status");
				await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe("Reconnecting…");
				await say(page, "Is my order shipped yet?");
				await expect.poll(() => mine.last().locator(".bz-chat-note").textContent()).toBe("Sending…");
				await page.waitForTimeout(1500);
				expect(await status.textContent()).toBe("Reconnecting…");
				down = false;
				await expect.poll(() => status.textContent(), { timeout: 20_000 }).toBe("");
				await expect.poll(() => mine.last().locator(".bz-chat-note").textContent(), { timeout: 15_000 }).toBe("");
				await expect.poll(() => panel(page).locator('li[data-author="bot"]').count(), { timeout: 20_000 }).toBe(2);
				const texts = await messages(page).allTextContents();
				expect(texts.length).toBe(before + 2);
				expect(texts.filter((t) => t.includes("Is my order shipped yet?"))).toHaveLength(1);

				// The unread badge: an answer that arrives while the panel is closed is counted.
				// The text is written, the panel closed, then it is sent (as an Enter just before Esc
				// would), so the bot's answer surely arrives while the panel is closed.
				await page.getByTestId("support-input").fill("Thanks");
				await page.keyboard.press("Escape");
				await page.evaluate(() =>
					document.querySelector<HTMLFormElement>('[data-testid="support-compose"]')!.requestSubmit(),
				);
				await expect.poll(() => launcher(page).locator(".bz-chat-badge").textContent(), { timeout: 20_000 }).toBe("1");
				expect(await launcher(page).textContent()).toContain("1 unread");

				// Another page of the shop, the panel closed as it was left: the tab reconnects at once
				// (its conversation is open), replays it, and the answer not read yet is still unread.
				const tabConversation = await page.evaluate(
					() => (JSON.parse(sessionStorage.getItem("bazaar-support-read") ?? "{}") as { c?: string }).c,
				);
				expect(tabConversation).toMatch(/^cnv_/);
				const joined = conversationsJoined(page);
				await page.goto("/search?q=lamp");
				await expect.poll(() => messages(page).count(), { timeout: 15_000 }).toBe(before + 4);
				expect(await launcher(page).getAttribute("aria-expanded")).toBe("false");
				expect(await panel(page).isHidden()).toBe(true);
				await expect.poll(() => launcher(page).locator(".bz-chat-badge").textContent()).toBe("1");
				await launcher(page).click();
				expect(await launcher(page).locator(".bz-chat-badge").isHidden()).toBe(true);

				// Left open, it is open on the next page too, with everything read (no badge), and the
				// page keeps its focus (the panel does not take it on arrival).
				await page.goto("/");
				await expect.poll(() => messages(page).count(), { timeout: 15_000 }).toBe(before + 4);
				expect(await launcher(page).getAttribute("aria-expanded")).toBe("true");
				expect(await panel(page).isVisible()).toBe(true);
				expect(await launcher(page).locator(".bz-chat-badge").isHidden()).toBe(true);
				expect(await page.evaluate(() => Boolean(document.activeElement?.closest("[data-support-widget]")))).toBe(
					false,
				);
				// Closed again, it stays closed on the next page.
				await launcher(page).click();
				await page.goto("/search?q=lamp");
				await expect.poll(() => messages(page).count(), { timeout: 15_000 }).toBe(before + 4);
				expect(await panel(page).isHidden()).toBe(true);
				// Every page joined the one conversation: none was started by moving around.
				expect(joined.length).toBeGreaterThanOrEqual(3);
				expect(new Set(joined)).toEqual(new Set([tabConversation]));
				await context.close();
			}),
		240_000,
	);

	it(
		"with no agent online, a guest leaves a message (across pages) and it becomes one ticket in the core",
		() =>
			withLogs(async () => {
				const { browser, stack } = session;
				const context = await browser.newContext({ baseURL: stack.edgeUrl });
				const page = await context.newPage();
				session.page = page;
				const joined = conversationsJoined(page);
				await page.goto("/");
				await launcher(page).click();
				await say(page, "Hello");
				await panel(page).locator('li[data-author="bot"]').first().waitFor({ timeout: 20_000 });

				await page.getByTestId("support-handover").click();
				const offline = panel(page).locator('li[data-event="agents_offline"]');
				await offline.waitFor({ timeout: 20_000 });
				const form = page.getByTestId("support-leave-message");
				await form.waitFor();
				const email = `guest-${Date.now()}@example.com`;
				await page.locator("#bz-chat-email").fill(email);
				await page.locator("#bz-chat-leave").fill("My parcel has not arrived");

				// Half written, the shopper looks at another page: the panel is open there too, on the
				// same conversation, with the form and what was written in it.
				await page.goto("/search?q=lamp");
				await form.waitFor({ timeout: 20_000 });
				expect(await launcher(page).getAttribute("aria-expanded")).toBe("true");
				expect(await offline.count()).toBe(1);
				expect(await page.locator("#bz-chat-email").inputValue()).toBe(email);
				expect(await page.locator("#bz-chat-leave").inputValue()).toBe("My parcel has not arrived");
				await page.locator("#bz-chat-leave").pressSequentially(", please help.");
				await form.getByRole("button", { name: "Leave a message" }).click();
				const thanks = panel(page).locator("li[data-ticket]");
				await thanks.waitFor({ timeout: 20_000 });
				const ticketId = await thanks.getAttribute("data-ticket");
				expect(ticketId).toMatch(/^tkt_/);
				expect(await form.isHidden()).toBe(true);

				// On the next page the message stays left: its reference where the form was, no form.
				await page.goto("/");
				await panel(page).locator(`li[data-ticket="${ticketId}"]`).waitFor({ timeout: 20_000 });
				expect(await offline.count()).toBe(1);
				expect(await form.isHidden()).toBe(true);
				expect(await page.locator("#bz-chat-leave").inputValue()).toBe("");
				expect(joined.length).toBeGreaterThanOrEqual(3);
				expect(new Set(joined).size).toBe(1);

				const res = await fetch(`${stack.edgeUrl}/api/admin/support/tickets/${ticketId}`, {
					headers: { authorization: `Bearer ${await stack.adminBearer()}` },
				});
				expect(res.status).toBe(200);
				const ticket = (await res.json()) as { email: string; message: string; conversationId: string | null };
				expect(ticket.email).toBe(email);
				expect(ticket.message).toBe("My parcel has not arrived, please help.");
				expect(ticket.conversationId).toBe(joined[0]);
				await context.close();
			}),
		120_000,
	);
});

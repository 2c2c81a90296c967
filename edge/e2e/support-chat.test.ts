import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
	adminApi as adminApiAs,
	browserSession,
	buyOneInSandbox,
	clickTo,
	signUpInBrowser,
	staffOn,
	unavailable,
} from "./chromium.ts";

// The support chat end to end in two Chromium pages through the test stack (core + `wrangler dev`):
// a shopper with a real order asks the bot in the widget, asks for a person; the agent (the shop's
// admin) sees the conversation in the live console's queue with its wait time, claims it, sees the
// shopper's orders beside it, sends a canned reply the shopper sees live, and closes it; the
// transcript is then found in the core by the order. Nothing is stubbed.

type Listed = { slug: string };
const PASSWORD = "correct horse battery staple";

const launcher = (page: Page) => page.getByTestId("support-launcher");
const panel = (page: Page) => page.getByTestId("support-panel");

describe.skipIf(unavailable)("support chat: widget and agent console", () => {
	const session = browserSession({ products: 20, page: false });
	const { withLogs, json } = session;

	const adminApi = <T>(path: string, init: RequestInit = {}) => adminApiAs<T>(session.stack, path, init);

	/** The live console on a new page of its own context, signed in as `who` (the admin, or a new agent). */
	async function openConsole(who: { admin: true } | { agent: string }): Promise<{ page: Page; agentId: string }> {
		const { browser, stack } = session;
		const page = await (await browser.newContext({ baseURL: stack.edgeUrl })).newPage();
		page.on("dialog", (d) => void d.accept());
		if ("admin" in who) {
			await page.goto("/account/login?next=%2Fsupport%2Flive");
			await page.fill('input[name="email"]', stack.adminLogin.email);
			await page.fill('input[name="password"]', stack.adminLogin.password);
			await clickTo(page, 'form[action^="/account/login"] button[type="submit"]', /\/support\/live$/);
		} else {
			await staffOn(stack, page, who.agent, ["support_agent"]);
			await page.goto("/support/live");
		}
		await expect.poll(() => page.locator("#lobby-conn").textContent(), { timeout: 20_000 }).toBe("Connected");
		return { page, agentId: (await page.locator("#live").getAttribute("data-agent-id")) ?? "" };
	}

	it(
		"shopper asks the bot, then a person; the agent claims, sees the orders, sends a canned reply, closes",
		() =>
			withLogs(async () => {
				const { browser, stack } = session;
				const cannedBody = `Your parcel is on its way ${Date.now()}.`;
				const made = await adminApi("/support/articles", {
					method: "POST",
					body: JSON.stringify({ title: "Parcel on its way", body: cannedBody, topic: "shipping", canned: true }),
				});
				expect(made.status).toBe(201);

				// The shopper buys something first, so there is an order to see.
				const shopperCtx = await browser.newContext({ baseURL: stack.edgeUrl });
				const shopper = await shopperCtx.newPage();
				session.page = shopper;
				await signUpInBrowser(shopper, {
					name: "Cora Chat",
					email: `cora-${Date.now()}@example.com`,
					password: PASSWORD,
				});
				const product = (await json<{ items: Listed[] }>("/api/catalog/products?kind=physical&inStock=true&limit=1"))
					.items[0]!;
				const orderId = await buyOneInSandbox(shopper, { slug: product.slug, shipTo: "Cora Chat" });

				// The agent opens the live console (online on arrival).
				const { page: agent } = await openConsole({ admin: true });

				// The shopper asks the bot, then for a person. (Every frame the widget sends is kept.)
				const sent: { type: string; typing?: boolean; at: number }[] = [];
				shopper.on("websocket", (ws) => {
					ws.on("framesent", (f) => {
						if (typeof f.payload === "string") sent.push({ ...JSON.parse(f.payload), at: Date.now() });
					});
				});
				await shopper.goto("/");
				await launcher(shopper).click();
				await shopper.locator("#bz-chat-text").fill("Where is my order?");
				await shopper.locator("#bz-chat-text").press("Enter");
				await panel(shopper).locator('li[data-author="bot"]').first().waitFor({ timeout: 20_000 });
				await panel(shopper).getByRole("button", { name: "Talk to a person" }).first().click();
				await panel(shopper).locator('li[data-event="handed_over"]').waitFor({ timeout: 20_000 });

				// The agent sees it waiting, with its wait time, and claims it.
				const waiting = agent.locator("#queue li[data-conversation-id]").filter({ hasText: "Cora Chat" });
				await waiting.waitFor({ timeout: 20_000 });
				await expect.poll(() => waiting.locator(".wait").textContent()).toMatch(/^\d+ s$|min/);
				const conversationId = await waiting.getAttribute("data-conversation-id");
				expect(conversationId).toMatch(/^cnv_/);
				await waiting.getByRole("button", { name: "Claim" }).click();
				await agent.locator("#conversation").waitFor({ timeout: 20_000 });
				// The transcript so far, and the shopper's orders beside it.
				await agent.locator("#messages li").filter({ hasText: "Where is my order?" }).waitFor({ timeout: 20_000 });
				await agent.locator(`#orders li[data-order-id="${orderId}"]`).waitFor({ timeout: 20_000 });

				// Typing, both ways. The shopper types for about 4 s: the agent sees it, and the widget
				// said so at most once per 2.5 s; a few seconds after the last key, it says it stopped.
				await panel(shopper).locator('li[data-event="joined"]').waitFor({ timeout: 20_000 });
				const peerTyping = agent.locator("#peer-typing");
				const typingFrames = () => sent.filter((f) => f.type === "typing");
				await shopper.locator("#bz-chat-text").pressSequentially("Could it come by Friday, do you think?", {
					delay: 100,
				});
				await expect.poll(() => peerTyping.textContent(), { timeout: 10_000 }).toBe("Cora Chat is typing…");
				const starts = typingFrames().filter((f) => f.typing);
				expect(starts.length).toBeGreaterThanOrEqual(1);
				expect(starts.length).toBeLessThanOrEqual(3);
				for (let i = 1; i < starts.length; i++) expect(starts[i]!.at - starts[i - 1]!.at).toBeGreaterThanOrEqual(2000);
				await expect.poll(() => peerTyping.textContent(), { timeout: 15_000 }).toBe("");
				expect(typingFrames().at(-1)?.typing).toBe(false);
				// Sending says "stopped" too, so the agent's indicator goes with the text's arrival.
				await shopper.locator("#bz-chat-text").pressSequentially(" Thanks", { delay: 50 });
				await expect.poll(() => peerTyping.textContent(), { timeout: 10_000 }).toBe("Cora Chat is typing…");
				await shopper.locator("#bz-chat-text").press("Enter");
				await agent.locator("#messages li").filter({ hasText: "Friday" }).waitFor({ timeout: 20_000 });
				await expect.poll(() => peerTyping.textContent(), { timeout: 5_000 }).toBe("");
				// The agent types: the shopper's widget says so in its status region.
				const shopperTyping = panel(shopper).getByTestId("support-typing");
				expect(await shopperTyping.getAttribute("role")).toBe("status");
				await agent.locator("#reply-text").pressSequentially("Let me check", { delay: 50 });
				await expect.poll(() => shopperTyping.textContent(), { timeout: 10_000 }).toMatch(/ is typing…$/);
				await agent.locator("#reply-text").fill("");
				await expect.poll(() => shopperTyping.textContent(), { timeout: 10_000 }).toBe("");

				// A canned reply, seen live by the shopper.
				await agent.selectOption("#canned", { label: "Parcel on its way" });
				await agent.locator("#use-canned").click();
				expect(await agent.locator("#reply-text").inputValue()).toBe(cannedBody);
				await agent.locator('#reply button[type="submit"]').click();
				await panel(shopper)
					.locator('li[data-author="agent"]')
					.filter({ hasText: cannedBody })
					.waitFor({ timeout: 20_000 });
				expect(await shopperTyping.textContent()).toBe("");

				// The agent closes it; the shopper sees it closed; the core finds it by the order.
				await agent.locator("#close").click();
				await panel(shopper).locator('li[data-event="closed"]').waitFor({ timeout: 20_000 });
				await expect
					.poll(
						async () =>
							(
								await adminApi<{ items: { id: string }[] }>(
									`/support/conversations?orderId=${encodeURIComponent(orderId)}`,
								)
							).body.items.map((i) => i.id),
						{ timeout: 30_000 },
					)
					.toContain(conversationId);
				await agent.context().close();
				await shopperCtx.close();
			}),
		300_000,
	);

	it(
		"agents away and online: all away, the shopper may leave a message; one comes back, claims, and transfers to the other",
		() =>
			withLogs(async () => {
				const { browser, stack } = session;
				const { page: ann } = await openConsole({ admin: true });
				const { page: bob, agentId: bobId } = await openConsole({ agent: "Bob Backup" });
				session.page = bob;
				const online = (p: Page) => p.locator("#lobby-status").textContent();
				await expect.poll(() => online(ann), { timeout: 20_000 }).toBe("2 agents online");
				// Bob is offered to Ann as someone to hand a conversation to, by name.
				await expect.poll(() => ann.locator(`#transfer-to option[value="${bobId}"]`).textContent()).toBe("Bob Backup");

				// Both step away: the lobby says nobody is online, and Bob is no longer offered.
				await bob.selectOption("#presence", "away");
				await expect.poll(() => online(ann), { timeout: 20_000 }).toBe("1 agent online");
				expect(await ann.locator(`#transfer-to option[value="${bobId}"]`).count()).toBe(0);
				await ann.selectOption("#presence", "away");
				await expect.poll(() => online(bob), { timeout: 20_000 }).toBe("0 agents online");

				// A guest asks for a person meanwhile: nobody online, so the widget offers a message.
				const shopperCtx = await browser.newContext({ baseURL: stack.edgeUrl });
				const shopper = await shopperCtx.newPage();
				await shopper.goto("/");
				await launcher(shopper).click();
				await shopper.locator("#bz-chat-text").fill("Hello, is anyone there?");
				await shopper.locator("#bz-chat-text").press("Enter");
				await panel(shopper).locator('li[data-author="bot"]').first().waitFor({ timeout: 20_000 });
				await shopper.getByTestId("support-handover").click();
				await panel(shopper).locator('li[data-event="agents_offline"]').waitFor({ timeout: 20_000 });
				await shopper.getByTestId("support-leave-message").waitFor();

				// It waits in both queues all the same. Ann comes back and claims it; it leaves Bob's.
				const waitingIn = (p: Page) => p.locator("#queue li[data-conversation-id]").filter({ hasText: "Guest" });
				await waitingIn(bob).waitFor({ timeout: 20_000 });
				await ann.selectOption("#presence", "online");
				await expect.poll(() => online(bob), { timeout: 20_000 }).toBe("1 agent online");
				const conversationId = await waitingIn(ann).getAttribute("data-conversation-id");
				await waitingIn(ann).getByRole("button", { name: "Claim" }).click();
				await ann.locator("#conversation").waitFor({ timeout: 20_000 });
				await ann.locator("#messages li").filter({ hasText: "Hello, is anyone there?" }).waitFor({ timeout: 20_000 });
				await expect.poll(() => waitingIn(bob).count(), { timeout: 20_000 }).toBe(0);
				// With a person on it, the widget drops the offer to leave a message.
				await panel(shopper).locator('li[data-event="claimed"]').waitFor({ timeout: 20_000 });
				expect(await shopper.getByTestId("support-leave-message").isHidden()).toBe(true);

				// Ann can hand it only to someone online: Bob comes back, and she transfers it to him.
				await ann.locator("#transfer").click();
				await expect.poll(() => ann.locator("#notice").textContent()).toBe("Choose an agent to hand it to.");
				await bob.selectOption("#presence", "online");
				await expect.poll(() => online(ann), { timeout: 20_000 }).toBe("2 agents online");
				await ann.selectOption("#transfer-to", bobId);
				await ann.locator("#transfer").click();
				await expect.poll(() => ann.locator("#notice").textContent()).toBe("Handed over.");
				expect(await ann.locator("#conversation").isHidden()).toBe(true);

				// Bob's console opens it with the whole conversation; the shopper is told who has it now.
				await expect
					.poll(() => bob.locator("#conversation").getAttribute("data-conversation-id"), { timeout: 20_000 })
					.toBe(conversationId);
				await bob.locator("#messages li").filter({ hasText: "Hello, is anyone there?" }).waitFor({ timeout: 20_000 });
				await panel(shopper)
					.locator('li[data-event="transferred"]')
					.filter({ hasText: "Bob Backup took over the chat." })
					.waitFor({ timeout: 20_000 });
				// In Bob's queue it is his; Ann's no longer lists it.
				await bob
					.locator(`#queue li[data-conversation-id="${conversationId}"] [data-open]`)
					.waitFor({ timeout: 20_000 });
				await expect
					.poll(() => ann.locator(`#queue li[data-conversation-id="${conversationId}"]`).count(), { timeout: 20_000 })
					.toBe(0);

				// They talk; then Bob closes it.
				await bob.locator("#reply-text").fill("Bob here, I can help.");
				await bob.locator('#reply button[type="submit"]').click();
				await panel(shopper)
					.locator('li[data-author="agent"]')
					.filter({ hasText: "Bob here, I can help." })
					.waitFor({ timeout: 20_000 });
				await shopper.locator("#bz-chat-text").fill("Thank you, Bob");
				await shopper.locator("#bz-chat-text").press("Enter");
				await bob.locator("#messages li").filter({ hasText: "Thank you, Bob" }).waitFor({ timeout: 20_000 });
				await bob.locator("#close").click();
				await panel(shopper).locator('li[data-event="closed"]').waitFor({ timeout: 20_000 });
				for (const p of [ann, bob, shopper]) await p.context().close();
			}),
		300_000,
	);
});

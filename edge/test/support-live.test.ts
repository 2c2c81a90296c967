import { describe, expect, it } from "vitest";
import { SUPPORT_CONSOLE_SCRIPT_URL } from "../src/support-console/live-script";
import { SUPPORT_CLIENT_URL } from "../src/support-widget/client-script";
import { signUp } from "./account-support";
import { csrfOf, get, post, staffBrowser, submit } from "./console-support";
import { edge } from "./helpers";

// The live agent console (/support/live) and its canned replies (/support/canned) through the
// Worker against the real core: only support agents and admins open them (others: a 403 page),
// the shell loads its module from 'self' (built on the shared support client), canned replies
// are edited with CSRF-checked forms and offered in the console, and the orders panel is read
// as the agent.

describe("live agent console", () => {
	it("opens for support agents and admins only, with its module from our origin", async () => {
		const anonymous = await edge("/support/live", { redirect: "manual" });
		expect(anonymous.status).toBe(303);
		expect(anonymous.headers.get("location")).toContain("/account/login?next=%2Fsupport%2Flive");
		const shopper = await signUp("Sam Shopper");
		expect((await get(shopper.jar, "/support/live")).res.status).toBe(403);
		const catalog = await staffBrowser(["catalog_manager"]);
		expect((await get(catalog.jar, "/support/live")).res.status).toBe(403);
		expect((await get(catalog.jar, "/support/canned")).res.status).toBe(403);
		for (const roles of [["support_agent"], ["admin"]] as const) {
			const agent = await staffBrowser([...roles]);
			const page = await get(agent.jar, "/support/live");
			expect(page.res.status).toBe(200);
			expect(page.res.headers.get("cache-control")).toBe("no-store");
			const csp = page.res.headers.get("content-security-policy") ?? "";
			expect(csp).toContain("script-src 'self'");
			expect(csp).toMatch(/connect-src 'self' wss?:\/\//);
			expect(page.html).toContain(`src="${SUPPORT_CONSOLE_SCRIPT_URL}"`);
			expect(page.html).toContain(`data-agent-id="${agent.id}"`);
		}
		const script = await edge(SUPPORT_CONSOLE_SCRIPT_URL);
		expect(script.status).toBe(200);
		expect(script.headers.get("content-type")).toContain("javascript");
		const source = await script.text();
		expect(source).toContain(`from ${JSON.stringify(SUPPORT_CLIENT_URL)}`);
		// One client: the console opens no socket of its own.
		expect(source).not.toContain("new WebSocket");
		expect(source).not.toContain("PartySocket");
	}, 120_000);

	it("agents edit canned replies with the forms and the console offers them", async () => {
		const agent = await staffBrowser(["support_agent"]);
		const title = `Shipping delay ${Date.now()}`;
		const forged = await post(agent.jar, "/support/canned", { csrf: "nope", title, body: "x", topic: "other" });
		expect(forged.res.status).toBe(403);
		const short = await submit(agent, "/support/canned", "/support/canned", { title: "x", body: "y", topic: "other" });
		expect(short.res.status).toBe(422);
		const made = await submit(agent, "/support/canned", "/support/canned", {
			title,
			body: `Sorry for the wait <b>— it ships today.`,
			topic: "shipping",
		});
		expect(made.res.status).toBe(303);
		const list = await get(agent.jar, "/support/canned");
		const id = new RegExp(`data-article-id="(art_[0-9A-Z]{26})"[^]*?${title}`).exec(list.html)?.[1];
		expect(id).toBeTruthy();
		const live = await get(agent.jar, "/support/live");
		expect(live.html).toContain(`data-body="Sorry for the wait &lt;b&gt;— it ships today."`);

		const edited = await post(agent.jar, `/support/canned/${id}`, {
			csrf: csrfOf(list.html),
			title: `${title} (edited)`,
			body: "It ships today.",
		});
		expect(edited.res.status).toBe(303);
		expect((await get(agent.jar, "/support/live")).html).toContain(`${title} (edited)`);
		const shopper = await signUp("Sly Shopper");
		const stranger = await post(shopper.jar, `/support/canned/${id}`, { csrf: "x", delete: "on" });
		expect(stranger.res.status).toBe(403);
		const gone = await post(agent.jar, `/support/canned/${id}`, { csrf: csrfOf(list.html), delete: "on" });
		expect(gone.res.status).toBe(303);
		expect((await get(agent.jar, "/support/live")).html).not.toContain(title);
		const again = await post(agent.jar, `/support/canned/${id}`, { csrf: csrfOf(list.html), delete: "on" });
		expect(again.res.status).toBe(404);
	}, 120_000);

	it("the orders panel is read as the agent; shoppers and bad ids get nothing", async () => {
		const shopper = await signUp("Olga Orders");
		const agent = await staffBrowser(["support_agent"]);
		const panel = await get(agent.jar, `/support/live/customers/${shopper.caller.user}/orders`);
		expect(panel.res.status).toBe(200);
		expect(panel.html).toContain("No orders.");
		expect((await get(shopper.jar, `/support/live/customers/${shopper.caller.user}/orders`)).res.status).toBe(403);
		expect((await get(agent.jar, "/support/live/customers/usr_nope/orders")).res.status).toBe(404);
	}, 120_000);
});

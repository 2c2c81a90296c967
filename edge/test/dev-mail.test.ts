import { describe, expect, it } from "vitest";
import { csrfOf, get, Jar, post, signUp, uniqueEmail } from "./account-support";

// The dev mailbox page over the core's mail outbox (the test core has no SMTP configured, so
// the outbox is its transport and the mailbox exists).

async function askForReset(email: string) {
	const jar = new Jar();
	const form = await get(jar, "/account/reset");
	return post(jar, "/account/reset", { email, csrf: csrfOf(form.html) });
}

describe("/dev/mail", () => {
	it("lists the outbox, newest first, filtered by recipient, with reset links clickable; never cached", async () => {
		const s = await signUp("Mail Reader");
		expect((await askForReset(s.email)).res.status).toBe(200);

		const list = await get(new Jar(), `/dev/mail?to=${encodeURIComponent(s.email.toUpperCase())}`);
		expect(list.res.status).toBe(200);
		expect(list.res.headers.get("cache-control")).toBe("no-store");
		expect(list.res.headers.get("content-type")).toMatch(/^text\/html/);
		const ids = [...list.html.matchAll(/data-mail-id="(mail_[0-9A-Z]{26})"/g)].map((m) => m[1]);
		// Newest first: the reset, then the sign-up's confirmation.
		expect(ids).toHaveLength(2);
		expect(list.html.indexOf("Reset your Bazaar password")).toBeGreaterThan(-1);
		expect(list.html.indexOf("Reset your Bazaar password")).toBeLessThan(
			list.html.indexOf("Confirm your Bazaar account"),
		);
		expect(list.html).toMatch(
			/<a href="https:\/\/shop\.example\/account\/reset\?token=[A-Za-z0-9_-]+" class="mail-link">/,
		);

		const one = await get(new Jar(), `/dev/mail/${ids[0]}`);
		expect(one.res.status).toBe(200);
		expect(one.res.headers.get("cache-control")).toBe("no-store");
		expect(one.html).toContain(s.email);
		expect(one.html).toMatch(
			/<a href="https:\/\/shop\.example\/account\/reset\?token=[A-Za-z0-9_-]+" class="mail-link">/,
		);

		// Everyone's mail, without a filter, includes it too.
		expect((await get(new Jar(), "/dev/mail")).html).toContain(`data-mail-id="${ids[0]}"`);
		// Nobody else's address matches.
		const none = await get(new Jar(), `/dev/mail?to=${encodeURIComponent(uniqueEmail())}`);
		expect(none.html).toContain("No mail to that address yet.");
	});

	it("answers 404 for an unknown or malformed message id, and 400 for a bad filter", async () => {
		for (const id of ["mail_01HZZZZZZZZZZZZZZZZZZZZZZZ", "nope", "mail_..%2F..%2Fidentity%2Fme"]) {
			const { res, html } = await get(new Jar(), `/dev/mail/${id}`);
			expect(res.status, id).toBe(404);
			expect(html.startsWith("<!doctype html>")).toBe(true);
			expect(res.headers.get("cache-control")).toBe("no-store");
		}
		expect((await get(new Jar(), "/dev/mail?limit=0")).res.status).toBe(400);
		expect((await get(new Jar(), "/dev/mail?limit=abc")).res.status).toBe(400);
		expect((await get(new Jar(), `/dev/mail?to=${"x".repeat(300)}`)).res.status).toBe(400);
	});

	it("escapes what the mail says (the recipient's name is the sender's input)", async () => {
		const s = await signUp('<img src=x onerror="alert(1)">');
		await askForReset(s.email);
		const list = await get(new Jar(), `/dev/mail?to=${encodeURIComponent(s.email)}`);
		const id = /data-mail-id="(mail_[0-9A-Z]{26})"/.exec(list.html)?.[1];
		const one = await get(new Jar(), `/dev/mail/${id}`);
		expect(one.html).not.toContain("<img src=x");
		expect(one.html).toContain("&lt;img src=x");
	});
});

describe("/dev/mail outside a local stack", () => {
	it("is a 404 unless DEV_MAILBOX=on, so a deploy without SMTP never publishes reset links", async () => {
		const { env } = await import("cloudflare:workers");
		const { app } = await import("../src/app");
		const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
		const off = await app.request("https://shop.example/dev/mail", {}, { ...env, DEV_MAILBOX: undefined }, ctx);
		expect(off.status).toBe(404);
		expect(await off.text()).not.toContain("/account/reset?token=");
		const on = await app.request("https://shop.example/dev/mail", {}, env, ctx);
		expect(on.status).toBe(200);
	});
});

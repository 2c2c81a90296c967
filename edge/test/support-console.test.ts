import { describe, expect, it } from "vitest";
import { csrfOf, get, logIn, post, signUp } from "./account-support";
import { adminHeaders, edge, ORIGIN } from "./helpers";

// The support console (/support) through the Worker against the real core: only support agents
// and admins get in (a shopper gets a 403 page, no session a way to sign in); an agent sees the
// open tickets, answers one with the form (CSRF checked), and a guest's words stay inert.

const NASTY = `<script>alert("x")</script>`;

async function agentJar() {
	const s = await signUp("Ann Agent");
	const set = await edge(`/api/admin/identity/users/${s.caller.user}/roles`, {
		method: "PUT",
		headers: await adminHeaders(),
		body: JSON.stringify({ roles: ["support_agent"] }),
	});
	expect(set.status).toBe(200);
	// Roles are read at sign-in: a fresh session carries the new one.
	const { jar } = await logIn(s.email);
	return jar;
}

describe("support console", () => {
	it("lets agents in, keeps shoppers and strangers out", async () => {
		const anonymous = await edge("/support", { redirect: "manual" });
		expect(anonymous.status).toBe(303);
		expect(anonymous.headers.get("location")).toContain("/account/login?next=%2Fsupport");
		const shopper = await signUp("Sid Shopper");
		const refused = await get(shopper.jar, "/support");
		expect(refused.res.status).toBe(403);
		expect(refused.html).toContain("support agents and admins");
		const jar = await agentJar();
		const page = await get(jar, "/support");
		expect(page.res.status).toBe(200);
		expect(page.res.headers.get("cache-control")).toBe("no-store");
		expect(page.res.headers.get("content-security-policy")).toContain("script-src 'self'");
	}, 90_000);

	it("an agent answers a guest's ticket with the form; the guest's words stay text", async () => {
		const email = `console.${Date.now()}@example.test`;
		const left = await edge("/api/support/tickets", {
			method: "POST",
			headers: { "content-type": "application/json", origin: ORIGIN, "cf-connecting-ip": "192.0.2.77" },
			body: JSON.stringify({ email, subject: `Help ${NASTY}`, message: `My order is late ${NASTY}` }),
		});
		expect(left.status).toBe(201);
		const { id } = (await left.json()) as { id: string };
		const jar = await agentJar();
		const home = await get(jar, "/support");
		expect(home.html).toContain(`href="/support/tickets/${id}"`);
		expect(home.html).not.toContain(NASTY);
		const ticket = await get(jar, `/support/tickets/${id}`);
		expect(ticket.res.status).toBe(200);
		expect(ticket.html).toContain("My order is late &lt;script&gt;");

		const forged = await post(jar, `/support/tickets/${id}/answer`, { csrf: "nope", message: "hi" });
		expect(forged.res.status).toBe(403);
		const empty = await post(jar, `/support/tickets/${id}/answer`, { csrf: csrfOf(ticket.html), message: " " });
		expect(empty.res.status).toBe(422);
		const sent = await post(jar, `/support/tickets/${id}/answer`, {
			csrf: csrfOf(ticket.html),
			message: "It ships today.",
		});
		expect(sent.res.status).toBe(303);
		const after = await get(jar, `/support/tickets/${id}?done=answered`);
		expect(after.html).toContain("It ships today.");
		expect(after.html).toContain("closed");
		expect((await get(jar, "/support")).html).not.toContain(`/support/tickets/${id}"`);
	}, 90_000);
});

import { env } from "cloudflare:workers";
import { ApiSession } from "@bazaar/contracts/identity";
import { describe, expect, it } from "vitest";
import { sessionHash } from "../src/session/store";
import { csrfOf, get, Jar, logIn, PASSWORD, post, SESSION, signUp } from "./account-support";
import { core, edge } from "./helpers";

// Ending a session takes effect on the next request of any kind, at every edge location. Another
// location is what KV looks like from there: for a minute or more after a delete or an overwrite
// it can still hand out the old entry. The tests put the old entry back after the session ends,
// exactly what a lagging location would read, and the session must still be refused.

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function apiLogin(email: string, ip: string) {
	const res = await edge("/api/session", {
		method: "POST",
		headers: { "content-type": "application/json", "cf-connecting-ip": ip },
		body: JSON.stringify({ email, password: PASSWORD }),
	});
	expect(res.status).toBe(201);
	return ApiSession.parse(await res.json()).token;
}

/** The session's KV entry as stored now (what another location may go on reading). */
async function kvEntry(token: string): Promise<{ key: string; value: string }> {
	const key = `session:${await sessionHash(token)}`;
	const value = await env.SESSIONS.get(key);
	if (value === null) throw new Error("no KV entry for the session");
	return { key, value };
}

describe("log out", () => {
	it("a signed-out token is refused even where KV still holds its entry", async () => {
		const s = await signUp("Lagging Location");
		const token = await apiLogin(s.email, s.jar.ip);
		const stale = await kvEntry(token);
		expect((await edge("/api/session", { headers: bearer(token) })).status).toBe(200);

		expect((await edge("/api/session", { method: "DELETE", headers: bearer(token) })).status).toBe(204);
		await env.SESSIONS.put(stale.key, stale.value);
		expect((await edge("/api/session", { headers: bearer(token) })).status).toBe(401);
		expect((await edge("/api/orders", { headers: bearer(token) })).status).toBe(401);
	});

	it("a logged-out cookie is refused even where KV still holds its entry", async () => {
		const s = await signUp("Cookie Location");
		const id = s.jar.cookies.get(SESSION) as string;
		const stale = await kvEntry(id);
		const page = await get(s.jar, "/account");
		expect(page.res.status).toBe(200);
		expect((await post(s.jar, "/account/logout", { csrf: csrfOf(page.html) })).res.status).toBe(303);

		await env.SESSIONS.put(stale.key, stale.value);
		const replay = new Jar();
		replay.cookies.set(SESSION, id);
		const again = await get(replay, "/account/addresses");
		expect(again.res.status).toBe(303);
		expect(again.res.headers.get("location")).toMatch(/^\/account\/login(\?|$)/);
	});
});

describe("log out everywhere", () => {
	it("takes effect on the very next GET, with no remembered good answer", async () => {
		const s = await signUp("Next Request");
		const token = await apiLogin(s.email, s.jar.ip);
		// Reads that would have been answered from a remembered check for 30 s.
		expect((await edge("/api/orders", { headers: bearer(token) })).status).toBe(200);
		expect((await get(s.jar, "/account/addresses")).res.status).toBe(200);

		const bumped = await core().request("POST", "/identity/me/logout-everywhere", { caller: s.caller });
		expect(bumped.status).toBe(200);
		expect((await edge("/api/orders", { headers: bearer(token) })).status).toBe(401);
		expect((await get(s.jar, "/account/addresses")).res.headers.get("location")).toMatch(/^\/account\/login(\?|$)/);
	});
});

describe("changing the email or the password", () => {
	it("ends every other session; the browser that changed it stays signed in", async () => {
		const s = await signUp("Email Changer");
		const other = await logIn(s.email);
		const token = await apiLogin(s.email, s.jar.ip);
		expect((await get(other.jar, "/account/addresses")).res.status).toBe(200);

		const page = await get(s.jar, "/account");
		const newEmail = `changed-${s.email}`;
		const saved = await post(s.jar, "/account/profile", {
			name: s.name,
			email: newEmail,
			currentPassword: PASSWORD,
			csrf: csrfOf(page.html),
		});
		expect(saved.res.status).toBe(303);
		const mine = await get(s.jar, "/account");
		expect(mine.res.status).toBe(200);
		expect(mine.html).toContain(newEmail);
		expect((await get(other.jar, "/account/addresses")).res.headers.get("location")).toMatch(/^\/account\/login(\?|$)/);
		expect((await edge("/api/orders", { headers: bearer(token) })).status).toBe(401);
	});
});

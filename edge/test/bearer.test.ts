import { env } from "cloudflare:workers";
import { Problem } from "@bazaar/contracts";
import { ApiSession } from "@bazaar/contracts/identity";
import { describe, expect, it } from "vitest";
import { createSession } from "../src/session/store";
import { PASSWORD, signUp } from "./account-support";
import { edge, syncVersion } from "./helpers";
import { freshVariant } from "./shopper";

// A bearer token that is not a live session is refused (401, `error="invalid_token"`) on every
// route, including /api/me and cached catalog reads, rather than answered as an anonymous visitor;
// and a JSON write must say it is JSON whatever credential it carries.

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Every kind of route: personal API, admin API, catalog API (cached), pages. */
const ROUTES: [string, string, string?][] = [
	["GET", "/api/me"],
	["GET", "/api/session"],
	["GET", "/api/cart"],
	["GET", "/api/orders"],
	["POST", "/api/cart/lines", "{}"],
	["POST", "/api/checkout", "{}"],
	["GET", "/api/admin/identity/users"],
	["GET", "/api/catalog/categories"],
	["GET", "/api/catalog/products?limit=2"],
	["GET", "/"],
	["GET", "/account"],
	["GET", "/cart"],
];

async function expectInvalidEverywhere(headers: Record<string, string>, what: string) {
	for (const [method, path, body] of ROUTES) {
		const res = await edge(path, {
			method,
			headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
			...(body ? { body } : {}),
			redirect: "manual",
		});
		expect(res.status, `${what}: ${method} ${path}`).toBe(401);
		expect(res.headers.get("www-authenticate"), `${what}: ${method} ${path}`).toContain('error="invalid_token"');
		Problem.parse(await res.json());
	}
}

async function signedInToken(): Promise<{ token: string; email: string }> {
	const s = await signUp("Bearer Holder");
	const res = await edge("/api/session", {
		method: "POST",
		headers: { "content-type": "application/json", "cf-connecting-ip": s.jar.ip },
		body: JSON.stringify({ email: s.email, password: PASSWORD }),
	});
	return { token: ApiSession.parse(await res.json()).token, email: s.email };
}

describe("a bearer token that is not a live session", () => {
	it("unknown, malformed or of another scheme: 401 on every route", async () => {
		// The catalog reads are warm in memory first: a hot hit must not skip the check.
		await syncVersion();
		for (const path of ["/api/catalog/categories", "/api/catalog/products?limit=2", "/"]) await edge(path);
		await expectInvalidEverywhere(bearer("A".repeat(43)), "unknown");
		await expectInvalidEverywhere(bearer("not a token"), "malformed");
		await expectInvalidEverywhere({ authorization: "Basic YWRtaW46YWRtaW4=" }, "basic");
	});

	it("signed out (revoked): 401 on every route, /api/me included", async () => {
		const { token } = await signedInToken();
		expect((await edge("/api/me", { headers: bearer(token) })).status).toBe(200);
		expect((await edge("/api/session", { method: "DELETE", headers: bearer(token) })).status).toBe(204);
		await expectInvalidEverywhere(bearer(token), "revoked");
	});

	it("expired: 401 on every route", async () => {
		const s = await signUp("Expired Holder");
		const expired = await createSession(
			env.SESSIONS,
			{ userId: s.caller.user, roles: s.caller.roles, generation: s.generation },
			Date.now() - 15 * 24 * 3600 * 1000,
		);
		await expectInvalidEverywhere(bearer(expired.id), "expired");
	});

	it("the same request without the header is an anonymous visitor as before", async () => {
		expect((await edge("/api/me")).status).toBe(200);
		expect((await edge("/api/catalog/categories")).status).toBe(200);
	});
});

describe("JSON writes need content-type: application/json, whatever the credential", () => {
	it("a bearer write with a body of another type is a 415 and changes nothing", async () => {
		const { token } = await signedInToken();
		const variant = await freshVariant();
		const body = JSON.stringify({ variantId: variant.id, quantity: 1 });
		for (const type of ["text/plain", "application/x-www-form-urlencoded", undefined]) {
			const res = await edge("/api/cart/lines", {
				method: "POST",
				headers: { ...bearer(token), ...(type ? { "content-type": type } : {}) },
				body,
			});
			expect(res.status, String(type)).toBe(415);
		}
		const cart = (await (await edge("/api/cart", { headers: bearer(token) })).json()) as { lines: unknown[] };
		expect(cart.lines).toEqual([]);
		const ok = await edge("/api/cart/lines", {
			method: "POST",
			headers: { ...bearer(token), "content-type": "application/json" },
			body,
		});
		expect(ok.status).toBe(200);
		// A bodiless bearer write needs no content type.
		expect((await edge("/api/session", { method: "DELETE", headers: bearer(token) })).status).toBe(204);
	});
});

import { describe, expect, test } from "bun:test";
import { HEADER, MAX_SKEW_SECONDS, SIGNED_HEADERS, sign, verify } from "./index";

const secret = "test-secret-0123456789-0123456789";
const caller = { user: "usr_01ABC", roles: ["customer"], ip: "198.51.100.7" };
const acted = { "content-type": "application/json", "idempotency-key": "key-1", "x-bazaar-cart-token": "guest-cart" };

async function signed(body = '{"a":1}', now = Date.now()) {
	const signature = await sign({ secret, method: "POST", path: "/cart/lines?x=1", body, caller, now, headers: acted });
	return new Headers({ ...acted, ...signature });
}

describe("edge → core signature", () => {
	test("a signed request verifies and yields the caller, its nonce and timestamp", async () => {
		const headers = await signed();
		const result = await verify({ secret, method: "POST", path: "/cart/lines?x=1", headers, body: '{"a":1}' });
		expect(result).toEqual({
			ok: true,
			caller,
			nonce: headers.get(HEADER.nonce) as string,
			timestamp: Number(headers.get(HEADER.timestamp)),
		});
		expect(headers.get(HEADER.nonce)).toMatch(/^[0-9a-f]{32}$/);
	});

	test("every signature has its own nonce", async () => {
		const nonces = new Set<string>();
		for (let i = 0; i < 50; i++) nonces.add((await signed()).get(HEADER.nonce) as string);
		expect(nonces.size).toBe(50);
	});

	test("tampering with any signed part is refused", async () => {
		const headers = await signed();
		const base = { secret, method: "POST", path: "/cart/lines?x=1", headers, body: '{"a":1}' };
		expect((await verify({ ...base, body: '{"a":2}' })).ok).toBe(false);
		expect((await verify({ ...base, path: "/cart/lines?x=2" })).ok).toBe(false);
		expect((await verify({ ...base, method: "DELETE" })).ok).toBe(false);
		expect((await verify({ ...base, secret: "another-secret" })).ok).toBe(false);
		const changed = (name: string, value: string | null) => {
			const h = new Headers(headers);
			if (value === null) h.delete(name);
			else h.set(name, value);
			return verify({ ...base, headers: h });
		};
		expect((await changed(HEADER.user, "usr_SOMEONE_ELSE")).ok).toBe(false);
		expect((await changed(HEADER.clientIp, "203.0.113.9")).ok).toBe(false);
		expect((await changed(HEADER.roles, "customer,admin")).ok).toBe(false);
		expect((await changed(HEADER.nonce, "0".repeat(32))).ok).toBe(false);
	});

	test("every header the core acts on is covered: changed, removed or added on the way is refused", async () => {
		const headers = await signed();
		const base = { secret, method: "POST", path: "/cart/lines?x=1", body: '{"a":1}' };
		for (const name of SIGNED_HEADERS) {
			const changed = new Headers(headers);
			changed.set(name, "something-else");
			expect((await verify({ ...base, headers: changed })).ok, `changed ${name}`).toBe(false);
			if (headers.has(name)) {
				const removed = new Headers(headers);
				removed.delete(name);
				expect((await verify({ ...base, headers: removed })).ok, `removed ${name}`).toBe(false);
			}
		}
		// An unrelated header (a proxy's) changes nothing.
		const proxied = new Headers(headers);
		proxied.set("x-forwarded-for", "192.0.2.1");
		expect((await verify({ ...base, headers: proxied })).ok).toBe(true);
	});

	test("stale and future timestamps are refused", async () => {
		const old = await signed('{"a":1}', Date.now() - (MAX_SKEW_SECONDS + 5) * 1000);
		const result = await verify({ secret, method: "POST", path: "/cart/lines?x=1", headers: old, body: '{"a":1}' });
		expect(result).toEqual({ ok: false, reason: "stale signature" });
		const future = await signed('{"a":1}', Date.now() + (MAX_SKEW_SECONDS + 5) * 1000);
		expect(
			(await verify({ secret, method: "POST", path: "/cart/lines?x=1", headers: future, body: '{"a":1}' })).ok,
		).toBe(false);
	});

	test("missing or malformed headers are refused without throwing", async () => {
		const base = { secret, method: "GET", path: "/", body: null };
		expect((await verify({ ...base, headers: new Headers() })).ok).toBe(false);
		const now = String(Math.floor(Date.now() / 1000));
		const bad = new Headers({
			[HEADER.timestamp]: "soon",
			[HEADER.nonce]: "0".repeat(32),
			[HEADER.signature]: "v2=zz",
		});
		expect((await verify({ ...base, headers: bad })).ok).toBe(false);
		const odd = new Headers({ [HEADER.timestamp]: now, [HEADER.nonce]: "0".repeat(32), [HEADER.signature]: "v2=abc" });
		expect((await verify({ ...base, headers: odd })).ok).toBe(false);
		const good = await sign({ secret, method: "GET", path: "/" });
		const noNonce = new Headers(good);
		noNonce.delete(HEADER.nonce);
		expect(await verify({ ...base, headers: noNonce })).toEqual({ ok: false, reason: "missing signature" });
		const shortNonce = new Headers(good);
		shortNonce.set(HEADER.nonce, "abc");
		expect(await verify({ ...base, headers: shortNonce })).toEqual({ ok: false, reason: "malformed nonce" });
		// The first version's signatures (no nonce, no headers) are not accepted any more.
		const v1 = new Headers(good);
		v1.set(HEADER.signature, (good[HEADER.signature] as string).replace("v2=", "v1="));
		expect((await verify({ ...base, headers: v1 })).ok).toBe(false);
	});
});

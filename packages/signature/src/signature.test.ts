import { describe, expect, test } from "bun:test";
import { HEADER, MAX_SKEW_SECONDS, sign, verify } from "./index";

const secret = "test-secret-0123456789";
const caller = { user: "usr_01ABC", roles: ["customer"], ip: "198.51.100.7" };

async function signed(body = '{"a":1}', now = Date.now()) {
	return new Headers(await sign({ secret, method: "POST", path: "/cart/lines?x=1", body, caller, now }));
}

describe("edge → core signature", () => {
	test("a signed request verifies and yields the caller", async () => {
		const headers = await signed();
		const result = await verify({ secret, method: "POST", path: "/cart/lines?x=1", headers, body: '{"a":1}' });
		expect(result).toEqual({ ok: true, caller });
	});

	test("tampering with any signed part is refused", async () => {
		const headers = await signed();
		const base = { secret, method: "POST", path: "/cart/lines?x=1", headers, body: '{"a":1}' };
		expect((await verify({ ...base, body: '{"a":2}' })).ok).toBe(false);
		expect((await verify({ ...base, path: "/cart/lines?x=2" })).ok).toBe(false);
		expect((await verify({ ...base, method: "DELETE" })).ok).toBe(false);
		expect((await verify({ ...base, secret: "another-secret" })).ok).toBe(false);
		const otherUser = new Headers(headers);
		otherUser.set(HEADER.user, "usr_SOMEONE_ELSE");
		expect((await verify({ ...base, headers: otherUser })).ok).toBe(false);
		const spoofedIp = new Headers(headers);
		spoofedIp.set(HEADER.clientIp, "203.0.113.9");
		expect((await verify({ ...base, headers: spoofedIp })).ok).toBe(false);
		const moreRoles = new Headers(headers);
		moreRoles.set(HEADER.roles, "customer,admin");
		expect((await verify({ ...base, headers: moreRoles })).ok).toBe(false);
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
		const bad = new Headers({ [HEADER.timestamp]: "soon", [HEADER.signature]: "v1=zz" });
		expect((await verify({ ...base, headers: bad })).ok).toBe(false);
		const odd = new Headers({
			[HEADER.timestamp]: String(Math.floor(Date.now() / 1000)),
			[HEADER.signature]: "v1=abc",
		});
		expect((await verify({ ...base, headers: odd })).ok).toBe(false);
	});
});

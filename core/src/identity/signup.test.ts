import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { Caller } from "@bazaar/signature";
import { eq } from "drizzle-orm";
import { json } from "../testing/harness";
import type { RateLimits } from "./context";
import { pendingSignups, users } from "./schema";
import { type IdentityHarness, identityHarness, latestMailTo, signupTokenIn, uniqueEmail } from "./test-harness";

// Sign-up through the real routes: it never tells whether an address has an account (the same
// answer, the same work, a mail to the address either way), and it is rate limited per client IP
// and for the whole core before any argon2 work is done.

const PASSWORD = "correct horse battery";
const anonymousFrom = (ip?: string): Caller => ({ user: "", roles: [], ...(ip ? { ip } : {}) });
let ipSeq = 0;
const freshIp = () => `198.51.100.${(++ipSeq % 250) + 1}`;

/** Counts argon2id hashes made by the module (each is ~60 ms of CPU in production). */
function countHashes(h: IdentityHarness): { count: number } {
	const counter = { count: 0 };
	const hasher = h.mod.identity.hasher;
	const hash = hasher.hash.bind(hasher);
	hasher.hash = (password: string) => {
		counter.count++;
		return hash(password);
	};
	return counter;
}

const register = (h: IdentityHarness, email: string, init: { ip?: string; next?: string; password?: string } = {}) =>
	h.call("POST", "/identity/register", {
		caller: anonymousFrom(init.ip ?? freshIp()),
		body: {
			email,
			password: init.password ?? PASSWORD,
			name: "New Shopper",
			...(init.next ? { next: init.next } : {}),
		},
	});
const confirm = (h: IdentityHarness, token: string) =>
	h.call("POST", "/identity/register/confirm", { body: { token } });
const login = (h: IdentityHarness, email: string, password = PASSWORD) =>
	h.call("POST", "/identity/login", { caller: anonymousFrom(freshIp()), body: { email, password } });
const mailsTo = async (h: IdentityHarness, to: string) => (await h.mod.listMail({ to })).items;

describe("sign-up does not reveal whether an address is registered", () => {
	let h: IdentityHarness;
	beforeAll(async () => {
		h = await identityHarness();
	});
	afterAll(() => h?.close());

	test("a new address: 202, no account until the mailed link is opened, then the account; the link works once", async () => {
		const email = uniqueEmail("new");
		const res = await register(h, email);
		expect(res.status).toBe(202);
		expect(await json(res)).toEqual({ accepted: true });
		expect((await login(h, email)).status).toBe(401);
		const [mail] = await mailsTo(h, email);
		expect(mail?.subject).toBe("Confirm your Bazaar account");
		const token = signupTokenIn(mail?.text ?? "");
		const created = await confirm(h, token);
		expect(created.status).toBe(201);
		expect(await json(created)).toMatchObject({ email, roles: ["customer"], sessionGeneration: 1 });
		expect((await login(h, email)).status).toBe(200);
		// Once only; the stored row held the token's hash, never the token.
		expect((await confirm(h, token)).status).toBe(400);
		const rows = await h.mod.identity.database.db.select().from(pendingSignups);
		expect(JSON.stringify(rows)).not.toContain(token);
	});

	test("a taken address: the same status, body and headers; no second account; its owner gets a notice", async () => {
		const owner = await h.signUp(uniqueEmail("owner"));
		const fresh = uniqueEmail("fresh");
		const taken = await register(h, owner.email.toUpperCase(), { password: "an attacker's choice" });
		const untaken = await register(h, fresh);
		expect(taken.status).toBe(untaken.status);
		expect(await taken.text()).toBe(await untaken.text());
		expect([...taken.headers.entries()]).toEqual([...untaken.headers.entries()]);

		const accounts = await h.mod.identity.database.db.select().from(users).where(eq(users.emailKey, owner.email));
		expect(accounts).toHaveLength(1);
		expect(
			await h.mod.identity.database.db.select().from(pendingSignups).where(eq(pendingSignups.emailKey, owner.email)),
		).toHaveLength(0);
		const [notice] = await mailsTo(h, owner.email);
		expect(notice?.subject).toBe("Someone tried to sign up with your address");
		expect(notice?.text).toContain("/account/login");
		expect(notice?.text).not.toContain("/account/signup/confirm");
		// The owner's password is theirs still.
		expect((await login(h, owner.email, owner.password)).status).toBe(200);
		expect((await login(h, owner.email, "an attacker's choice")).status).toBe(401);
	});

	test("both paths pay for one argon2id hash (the same work, so the same time)", async () => {
		const hashes = countHashes(h);
		const owner = await h.signUp(uniqueEmail("timed"));
		hashes.count = 0;
		expect((await register(h, owner.email)).status).toBe(202);
		expect(hashes.count).toBe(1);
		expect((await register(h, uniqueEmail("timed-new"))).status).toBe(202);
		expect(hashes.count).toBe(2);
	});

	test("two links for one address: the first opened makes the account, the other dies with it", async () => {
		const email = uniqueEmail("twice");
		await register(h, email);
		const first = signupTokenIn(await latestMailTo(h.mod, email));
		await register(h, email, { password: "a different password" });
		const second = signupTokenIn(await latestMailTo(h.mod, email));
		expect(first).not.toBe(second);
		expect((await confirm(h, second)).status).toBe(201);
		expect((await confirm(h, first)).status).toBe(400);
		expect((await login(h, email, "a different password")).status).toBe(200);
	});

	test("an expired link → 400 and no account", async () => {
		const email = uniqueEmail("late");
		await register(h, email);
		const token = signupTokenIn(await latestMailTo(h.mod, email));
		await h.mod.identity.database.write((tx) =>
			tx
				.update(pendingSignups)
				.set({ expiresAt: new Date(Date.now() - 1000).toISOString() })
				.where(eq(pendingSignups.emailKey, email)),
		);
		const res = await confirm(h, token);
		expect(res.status).toBe(400);
		expect((await json<{ detail: string }>(res)).detail).toContain("not valid any more");
		expect((await login(h, email)).status).toBe(401);
	});

	test("bad tokens and bad next paths → 400, nothing created", async () => {
		for (const token of ["A".repeat(43), "short", "has spaces in it and more", ""]) {
			expect((await confirm(h, token)).status, token).toBe(400);
		}
		for (const next of ["//evil.example", "/\\\\evil.example", "https://evil.example/", "/a b", "relative"]) {
			const email = uniqueEmail("next");
			expect((await register(h, email, { next })).status, next).toBe(400);
			expect(await mailsTo(h, email)).toHaveLength(0);
		}
	});

	test("the link carries next= for the storefront", async () => {
		const email = uniqueEmail("next-ok");
		expect((await register(h, email, { next: "/checkout?step=address" })).status).toBe(202);
		expect(await latestMailTo(h.mod, email)).toContain("/account/signup/confirm?token=");
		expect(await latestMailTo(h.mod, email)).toContain("next=%2Fcheckout%3Fstep%3Daddress");
	});

	test("mails to one address are limited (3 an hour); the answer stays the same", async () => {
		const email = uniqueEmail("bomb");
		for (let i = 0; i < 5; i++) expect((await register(h, email)).status).toBe(202);
		expect(await mailsTo(h, email)).toHaveLength(3);
	});
});

describe("sign-up rate limits", () => {
	const opened: IdentityHarness[] = [];
	afterEach(async () => {
		for (const x of opened.splice(0)) await x.close();
	});
	async function limited(rateLimits: Partial<RateLimits>) {
		const x = await identityHarness({ rateLimits });
		opened.push(x);
		return x;
	}

	test("per client IP: the third from one IP is a 429 with Retry-After, before any hashing; other IPs go on", async () => {
		const x = await limited({ signupIp: { capacity: 2, windowMs: 60_000 } });
		const hashes = countHashes(x);
		const ip = freshIp();
		expect((await register(x, uniqueEmail(), { ip })).status).toBe(202);
		expect((await register(x, uniqueEmail(), { ip })).status).toBe(202);
		const email = uniqueEmail("third");
		const third = await register(x, email, { ip });
		expect(third.status).toBe(429);
		expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
		expect(hashes.count).toBe(2);
		expect(await mailsTo(x, email)).toHaveLength(0);
		expect((await register(x, uniqueEmail(), { ip: freshIp() })).status).toBe(202);
	});

	test("globally: a crowd of addresses (and callers without an IP) share one bound", async () => {
		const x = await limited({ signupGlobal: { capacity: 3, windowMs: 60_000 } });
		const hashes = countHashes(x);
		for (let i = 0; i < 3; i++) expect((await register(x, uniqueEmail(), { ip: freshIp() })).status).toBe(202);
		expect((await register(x, uniqueEmail(), { ip: freshIp() })).status).toBe(429);
		const noIp = await x.call("POST", "/identity/register", {
			caller: anonymousFrom(),
			body: { email: uniqueEmail(), password: PASSWORD, name: "No IP" },
		});
		expect(noIp.status).toBe(429);
		expect(hashes.count).toBe(3);
	});
});

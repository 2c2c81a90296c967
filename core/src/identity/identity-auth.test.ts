import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { UserPublic } from "@bazaar/contracts/identity";
import { eq } from "drizzle-orm";
import { json } from "../testing/harness";
import { users } from "./schema";
import { type IdentityHarness, identityHarness, latestMailTo, signupTokenIn, uniqueEmail } from "./test-harness";

let h: IdentityHarness;
beforeAll(async () => {
	h = await identityHarness();
});
afterAll(() => h?.close());

describe("register and log in", () => {
	test("register → 202, then the mailed link → 201 public view (customer, generation 1), no hash; then log in", async () => {
		const email = uniqueEmail("Ann");
		const res = await h.call("POST", "/identity/register", {
			body: { email: `  ${email} `, password: "a long enough secret", name: " Ann Example " },
		});
		expect(res.status).toBe(202);
		expect(await json(res)).toEqual({ accepted: true });
		const token = signupTokenIn(await latestMailTo(h.mod, email));
		const confirmed = await h.call("POST", "/identity/register/confirm", { body: { token } });
		expect(confirmed.status).toBe(201);
		const text = await confirmed.text();
		expect(text).not.toContain("argon2");
		expect(text).not.toContain("password");
		const user = UserPublic.parse(JSON.parse(text));
		expect(user.id).toMatch(/^usr_[0-9A-Z]{26}$/);
		expect(user).toMatchObject({ email, name: "Ann Example", roles: ["customer"], sessionGeneration: 1 });

		const login = await h.call("POST", "/identity/login", {
			body: { email: email.toUpperCase(), password: "a long enough secret" },
		});
		expect(login.status).toBe(200);
		expect(UserPublic.parse(await json(login))).toEqual(user);
	});

	test("the stored hash is argon2id", async () => {
		const { id } = await h.signUp();
		const [row] = await h.mod.identity.database.db.select().from(users).where(eq(users.id, id));
		expect(row?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
	});

	test("a taken email, whatever its case: the same 202, and still one account", async () => {
		const email = uniqueEmail("dup");
		await h.signUp(email);
		for (const variant of [email, email.toUpperCase(), ` ${email.replace("dup", "DUP")}`]) {
			const res = await h.call("POST", "/identity/register", {
				body: { email: variant, password: "another long secret", name: "Someone" },
			});
			expect(res.status).toBe(202);
		}
		const rows = await h.mod.identity.database.db.select().from(users).where(eq(users.emailKey, email.toLowerCase()));
		expect(rows.length).toBe(1);
	});

	test("password policy: 10..200 characters, not the email", async () => {
		const email = uniqueEmail("policy");
		const tooShort = await h.call("POST", "/identity/register", { body: { email, password: "short", name: "P" } });
		expect(tooShort.status).toBe(400);
		expect((await json<{ errors: { path: string }[] }>(tooShort)).errors[0]?.path).toBe("password");
		const tooLong = await h.call("POST", "/identity/register", {
			body: { email, password: "x".repeat(201), name: "P" },
		});
		expect(tooLong.status).toBe(400);
		const isEmail = await h.call("POST", "/identity/register", {
			body: { email, password: email.toUpperCase(), name: "P" },
		});
		expect(isEmail.status).toBe(400);
		expect(await json(isEmail)).toMatchObject({
			errors: [{ path: "password", message: "must not be your email address" }],
		});
		const ok = await h.call("POST", "/identity/register", { body: { email, password: "x".repeat(200), name: "P" } });
		expect(ok.status).toBe(202);
	});

	test("a wrong password and an unknown email get the same answer", async () => {
		const { email } = await h.signUp();
		const wrong = await h.call("POST", "/identity/login", { body: { email, password: "not the password" } });
		const unknown = await h.call("POST", "/identity/login", {
			body: { email: uniqueEmail("nobody"), password: "not the password" },
		});
		expect(wrong.status).toBe(401);
		expect(unknown.status).toBe(401);
		expect(await wrong.text()).toBe(await unknown.text());
		expect([...wrong.headers.entries()]).toEqual([...unknown.headers.entries()]);
	});
});

describe("the same time for a wrong password and an unknown email", () => {
	// The real production cost here: with a toy cost the hash would be lost in the noise.
	let real: IdentityHarness;
	beforeAll(async () => {
		real = await identityHarness({
			passwordCost: undefined,
			rateLimits: { account: { capacity: 1_000, windowMs: 60_000 }, ip: { capacity: 1_000, windowMs: 60_000 } },
		});
	});
	afterAll(() => real?.close());

	// The lower quartiles of interleaved samples: on a shared, loaded machine the slow samples are
	// other processes' noise, while the fast ones show what the login itself costs.
	test("lower quartiles within 35% of each other, both paying for one argon2id verification", async () => {
		const { email } = await real.signUp();
		const time = async (body: object) => {
			const t = performance.now();
			const res = await real.call("POST", "/identity/login", { body });
			expect(res.status).toBe(401);
			return performance.now() - t;
		};
		const wrong: number[] = [];
		const unknown: number[] = [];
		for (let i = 0; i < 15; i++) {
			wrong.push(await time({ email, password: `wrong password ${i}` }));
			unknown.push(await time({ email: uniqueEmail("ghost"), password: `wrong password ${i}` }));
		}
		const quartile = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 4)] as number;
		const [w, u] = [quartile(wrong), quartile(unknown)];
		expect(Math.min(w, u)).toBeGreaterThan(10);
		expect(Math.abs(w - u) / Math.max(w, u)).toBeLessThan(0.35);
	}, 60_000);
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MailList, type MailMessage } from "@bazaar/contracts/identity";
import { eq, sql } from "drizzle-orm";
import { json } from "../testing/harness";
import { mailOutbox, passwordResetTokens } from "./schema";
import { type IdentityHarness, identityHarness, uniqueEmail } from "./test-harness";

let h: IdentityHarness;
beforeAll(async () => {
	h = await identityHarness();
});
afterAll(() => h?.close());

/** The reset mails to `to`, newest first (the sign-up's confirmation is left out). */
async function inbox(to: string): Promise<MailMessage[]> {
	await h.mailSent();
	const res = await h.call("GET", `/identity/dev/mail?to=${encodeURIComponent(to)}`);
	expect(res.status).toBe(200);
	return MailList.parse(await json(res)).items.filter((m) => m.subject === "Reset your Bazaar password");
}

function tokenIn(mail: MailMessage): string {
	const m = /http:\/\/shop\.test:8787\/account\/reset\?token=([A-Za-z0-9_-]+)/.exec(mail.text);
	if (!m?.[1]) throw new Error(`no reset link in: ${mail.text}`);
	return m[1];
}

const requestReset = (email: string) => h.call("POST", "/identity/password-reset", { body: { email } });
const confirm = (token: string, newPassword: string) =>
	h.call("POST", "/identity/password-reset/confirm", { body: { token, newPassword } });
const login = (email: string, password: string) => h.call("POST", "/identity/login", { body: { email, password } });

describe("password reset through the dev mail outbox", () => {
	test("end to end: request → mail with a one-time link → new password → sessions ended", async () => {
		const u = await h.signUp();
		const res = await requestReset(u.email.toUpperCase());
		expect(res.status).toBe(202);
		const body = await res.text();
		expect(JSON.parse(body)).toEqual({ accepted: true });

		const [mail] = await inbox(u.email);
		expect(mail?.subject).toBe("Reset your Bazaar password");
		expect(mail?.sentAt).not.toBeNull();
		expect(mail?.html).toContain("/account/reset?token=");
		const token = tokenIn(mail as MailMessage);
		expect(token.length).toBeGreaterThanOrEqual(43);

		// Only the SHA-256 is stored.
		const rows = await h.mod.identity.database.db.select().from(passwordResetTokens);
		expect(rows.some((r) => r.tokenHash === new Bun.CryptoHasher("sha256").update(token).digest("hex"))).toBe(true);
		expect(JSON.stringify(rows)).not.toContain(token);

		const done = await confirm(token, "my new long password");
		expect(done.status).toBe(200);
		expect((await json<{ sessionGeneration: number }>(done)).sessionGeneration).toBe(2);
		expect((await h.mod.checkSession(u.id, 1, "a".repeat(64))).valid).toBe(false);
		expect((await login(u.email, u.password)).status).toBe(401);
		expect((await login(u.email, "my new long password")).status).toBe(200);

		// Single use.
		const again = await confirm(token, "yet another password");
		expect(again.status).toBe(400);
		expect((await login(u.email, "my new long password")).status).toBe(200);
	});

	test("an unknown email gets the very same answer, and no mail goes out", async () => {
		const known = await h.signUp();
		const before = (await h.mod.identity.database.db.select().from(mailOutbox)).length;
		const a = await requestReset(known.email);
		const b = await requestReset(uniqueEmail("nobody"));
		expect(a.status).toBe(b.status);
		expect(await a.text()).toBe(await b.text());
		const after = (await h.mod.identity.database.db.select().from(mailOutbox)).length;
		expect(after).toBe(before + 1);
	});

	test("a wrong or malformed token → 400 and nothing changes", async () => {
		const u = await h.signUp();
		expect((await confirm("A".repeat(43), "my new long password")).status).toBe(400);
		expect((await confirm("not a token!", "my new long password")).status).toBe(400);
		expect((await login(u.email, u.password)).status).toBe(200);
	});

	test("an expired token → 400, the password stays", async () => {
		const u = await h.signUp();
		await requestReset(u.email);
		const token = tokenIn((await inbox(u.email))[0] as MailMessage);
		await h.mod.identity.database.write((tx) =>
			tx
				.update(passwordResetTokens)
				.set({ expiresAt: new Date(Date.now() - 1000).toISOString() })
				.where(eq(passwordResetTokens.userId, u.id)),
		);
		const res = await confirm(token, "my new long password");
		expect(res.status).toBe(400);
		expect(await json(res)).toMatchObject({ errors: [{ path: "token" }] });
		expect((await login(u.email, u.password)).status).toBe(200);
	});

	test("tokens expire after 30 minutes by default", async () => {
		const u = await h.signUp();
		await requestReset(u.email);
		const [row] = await h.mod.identity.database.db
			.select({ ttl: sql<number>`(julianday(expires_at) - julianday(created_at)) * 86400` })
			.from(passwordResetTokens)
			.where(eq(passwordResetTokens.userId, u.id));
		expect(Math.round(row?.ttl ?? 0)).toBe(30 * 60);
	});

	test("the new password must meet the policy; the token survives a refused attempt", async () => {
		const u = await h.signUp();
		await requestReset(u.email);
		const token = tokenIn((await inbox(u.email))[0] as MailMessage);
		expect((await confirm(token, "short")).status).toBe(400);
		expect((await confirm(token, u.email)).status).toBe(400);
		expect((await confirm(token, "finally a good one")).status).toBe(200);
	});

	test("a password change kills outstanding reset links", async () => {
		const u = await h.signUp();
		await requestReset(u.email);
		const token = tokenIn((await inbox(u.email))[0] as MailMessage);
		await h.call("POST", "/identity/me/password", {
			caller: u.caller,
			body: { currentPassword: u.password, newPassword: "changed it myself" },
		});
		expect((await confirm(token, "attacker password")).status).toBe(400);
	});

	test("reset mail is limited per account (3 an hour), the answer stays the same", async () => {
		const u = await h.signUp();
		for (let i = 0; i < 5; i++) expect((await requestReset(u.email)).status).toBe(202);
		expect((await inbox(u.email)).length).toBe(3);
	});

	test("the dev mailbox reads one message by id and 404s an unknown one", async () => {
		const u = await h.signUp();
		await requestReset(u.email);
		const [mail] = await inbox(u.email);
		const one = await h.call("GET", `/identity/dev/mail/${mail?.id}`);
		expect((await json<MailMessage>(one)).id).toBe(mail?.id as string);
		expect((await h.call("GET", "/identity/dev/mail/mail_01ARZ3NDEKTSV4RRFFQ69G5FAV")).status).toBe(404);
		expect((await h.call("GET", "/identity/dev/mail/not-an-id")).status).toBe(404);
	});
});

describe("the dev mailbox on a production core (devMailbox: admin)", () => {
	test("holds live reset links, so only an admin reads it; anyone else gets 403 and no mail", async () => {
		const prod = await identityHarness({ devMailbox: "admin" });
		try {
			const u = await prod.signUp();
			expect((await prod.call("POST", "/identity/password-reset", { body: { email: u.email } })).status).toBe(202);
			await prod.mailSent();
			const anonymous = await prod.call("GET", "/identity/dev/mail");
			expect(anonymous.status).toBe(403);
			expect(await anonymous.text()).not.toContain("token=");
			const asOwner = await prod.call("GET", `/identity/dev/mail?to=${encodeURIComponent(u.email)}`, {
				caller: u.caller,
			});
			expect(asOwner.status).toBe(403);
			expect((await prod.call("GET", "/identity/dev/mail/mail_01ARZ3NDEKTSV4RRFFQ69G5FAV")).status).toBe(403);

			const admin = { user: "usr_01ADMIN000000000000000000", roles: ["admin"] };
			const list = await prod.call("GET", `/identity/dev/mail?to=${encodeURIComponent(u.email)}`, { caller: admin });
			expect(list.status).toBe(200);
			const [mail] = MailList.parse(await json(list)).items;
			expect(mail?.subject).toBe("Reset your Bazaar password");
			expect((await prod.call("GET", `/identity/dev/mail/${mail?.id}`, { caller: admin })).status).toBe(200);
		} finally {
			await prod.close();
		}
	});
});

import { join } from "node:path";
import type { Caller } from "@bazaar/signature";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { BusRelay, openLibsqlBus } from "../bus";
import { type AppEnv, notFound, onError, payloadTooLarge, requireSignature } from "../lib/http";
import { SECRET, tempDir } from "../testing/harness";
import { signedInit } from "../testing/signed-init";
import { MAILER_GROUP, subscribeMailer } from "../workflows/mailer";
import { type IdentityModule, type IdentityOptions, openIdentity } from "./module";
import { identityAdminRoutes, identityRoutes } from "./routes";

// Identity tests on real parts: a temporary libSQL file, the real routes behind the real
// signature check and body limit (as the lead mounts them in app.ts), signed calls.

export const ANON: Caller = { user: "", roles: [] };
/** Cheap argon2id (the format and algorithm are the real ones) so suites stay fast. */
export const TEST_PASSWORD_COST = { memoryCost: 1024, timeCost: 1 };
export const MAX_BODY_BYTES = 1024 * 1024;

export interface IdentityHarness {
	dir: string;
	dbUrl: string;
	mod: IdentityModule;
	app: Hono<AppEnv>;
	call(
		method: string,
		path: string,
		init?: { body?: unknown; caller?: Caller; headers?: Record<string, string> },
	): Promise<Response>;
	/** Resolves once every queued mail has been through the mailer (sent, or its attempt failed and waits). */
	mailSent(): Promise<void>;
	/** Registers a customer through the API and confirms it from the mail; returns its view and password. */
	signUp(email?: string, password?: string): Promise<{ id: string; email: string; password: string; caller: Caller }>;
	close(): Promise<void>;
}

let seq = 0;
export const uniqueEmail = (tag = "user") => `${tag}.${Date.now().toString(36)}.${++seq}@example.test`;

/** The newest mail to `to` in the outbox (its text); throws when there is none. */
export async function latestMailTo(mod: IdentityModule, to: string): Promise<string> {
	const [mail] = (await mod.listMail({ to, limit: 1 })).items;
	if (!mail) throw new Error(`no mail to ${to}`);
	return mail.text;
}

/** The token of the sign-up confirmation link in a mail's text. */
export function signupTokenIn(text: string): string {
	const m = /\/account\/signup\/confirm\?token=([A-Za-z0-9_-]+)/.exec(text);
	if (!m?.[1]) throw new Error(`no confirmation link in: ${text}`);
	return m[1];
}

export async function identityHarness(options: Partial<IdentityOptions> = {}): Promise<IdentityHarness> {
	const dir = tempDir("bazaar-identity-");
	const dbUrl = options.dbUrl ?? `file:${join(dir, "identity.db")}`;
	const mod = await openIdentity({
		edgeUrl: "http://shop.test:8787",
		passwordCost: TEST_PASSWORD_COST,
		// As a test core (BAZAAR_ENV=test) runs it; the production rule is tested by asking for `admin`.
		devMailbox: "local",
		...options,
		dbUrl,
	});
	// Mail goes out through the bus, as in the composed core: a bus, the identity database's relay
	// and the mailer (retrying quickly for tests).
	const bus = await openLibsqlBus({ url: `file:${join(dir, "bus.db")}` });
	const relay = new BusRelay({ database: mod.identity.database, bus, pollMs: 50 });
	subscribeMailer(bus, mod.identity.mail, { pollMs: 20, backoffMs: 50, maxBackoffMs: 200 });
	relay.start();
	await bus.start();
	const app = new Hono<AppEnv>();
	app.use("*", (c, next) =>
		c.req.method === "GET"
			? next()
			: bodyLimit({ maxSize: MAX_BODY_BYTES, onError: payloadTooLarge(MAX_BODY_BYTES) })(c, next),
	);
	app.use("*", requireSignature(SECRET));
	app.route("/identity/admin", identityAdminRoutes(mod));
	app.route("/identity", identityRoutes(mod));
	app.notFound(notFound);
	app.onError(onError);

	const call: IdentityHarness["call"] = async (method, path, init = {}) => {
		return app.request(path, await signedInit(method, path, init, ANON));
	};

	return {
		dir,
		dbUrl,
		mod,
		app,
		call,
		async signUp(email = uniqueEmail(), password = "correct horse battery") {
			const res = await call("POST", "/identity/register", { body: { email, password, name: "Test Shopper" } });
			if (res.status !== 202) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
			const token = signupTokenIn(await latestMailTo(mod, email));
			const confirmed = await call("POST", "/identity/register/confirm", { body: { token } });
			if (confirmed.status !== 201)
				throw new Error(`confirmation failed: ${confirmed.status} ${await confirmed.text()}`);
			const user = (await confirmed.json()) as { id: string; roles: string[] };
			return { id: user.id, email, password, caller: { user: user.id, roles: user.roles } };
		},
		async mailSent() {
			const until = Date.now() + 10_000;
			for (;;) {
				const { pending, lag } = await bus.pending(MAILER_GROUP);
				if ((await relay.unsent()) === 0 && pending === 0 && !lag) return;
				if (Date.now() > until) throw new Error("mail still queued after 10 s");
				await Bun.sleep(10);
			}
		},
		async close() {
			await relay.stop();
			await bus.stop();
			await mod.stop();
		},
	};
}

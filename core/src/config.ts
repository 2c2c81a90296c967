import { resolve } from "node:path";
import { NewPassword } from "@bazaar/contracts/identity";
import { z } from "zod";
import { type CartConfig, CartEnv, loadCartConfig } from "./cart/config";
import { type FulfillmentConfig, FulfillmentEnv, loadFulfillmentConfig } from "./fulfillment/config";
import { type InventoryConfig, InventoryEnv, loadInventoryConfig } from "./inventory/config";
import { loadOrderConfig, type OrderConfig, OrderEnv } from "./order/config";
import { loadPaymentConfig, type PaymentConfig, PaymentEnv } from "./payment/config";
import { loadReviewConfig, type ReviewConfig, ReviewEnv } from "./review/config";

// Every setting has a default so `npm start` works on a fresh clone with nothing set. The
// modules keep their own env schemas (cart/config.ts, …); they are folded in here so one run
// reports every bad variable at once.
const REPO_ROOT = resolve(import.meta.dir, "../..");

const Port = z.coerce.number().int().min(0).max(65_535);
const blankIsUnset = (v: unknown) => (v === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankIsUnset, schema.optional());
const byteLength = (text: string) => new TextEncoder().encode(text).byteLength;
export const MIN_SECRET_BYTES = 32;

/** Where the first start leaves a generated admin password (under DATA_DIR, mode 0600). */
export const ADMIN_PASSWORD_FILE = "admin-password.txt";

export const CRASH_POINTS = ["order-placed-commit", "order-paid-commit", "inventory-commit"] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

/**
 * The deployment profile. `production` (the default, whatever starts the core) allows no
 * development convenience; `development` is what `npm start` runs; `test` is what the test
 * runners run. Conveniences (derived secrets, the dev mailbox, test hooks) check this one switch.
 */
export const BAZAAR_ENVS = ["production", "development", "test"] as const;
export type BazaarEnv = (typeof BAZAAR_ENVS)[number];

export const ConfigSchema = z
	.object({
		BAZAAR_ENV: z.preprocess(blankIsUnset, z.enum(BAZAAR_ENVS).default("production")),
		CORE_PORT: z.preprocess(blankIsUnset, Port.default(4000)),
		/**
		 * Core processes sharing CORE_PORT (SO_REUSEPORT: the kernel spreads the connections), each
		 * with its own group-commit writers; SQLite's write lock arbitrates between them.
		 */
		CORE_PROCESSES: z.preprocess(blankIsUnset, z.coerce.number().int().min(1).max(16).default(1)),
		DATA_DIR: z.preprocess(blankIsUnset, z.string().default(resolve(REPO_ROOT, "data"))),
		DATABASE_URL_CATALOG: optional(z.string()),
		DATABASE_URL_IDENTITY: optional(z.string()),
		/** The libSQL bus (used when REDIS_URL is unset). */
		DATABASE_URL_BUS: optional(z.string()),
		EDGE_URL: z.preprocess(blankIsUnset, z.url().default("http://127.0.0.1:8787")),
		REDIS_URL: optional(z.string()),
		/** No fallback in any profile: a built-in secret would be a published one. */
		BAZAAR_SIGNING_SECRET: z.preprocess(
			blankIsUnset,
			z
				.string({ error: "is required: the edge and the core share it (npm start generates one into .dev.vars)" })
				.refine((v) => byteLength(v) >= MIN_SECRET_BYTES, {
					error: `must be at least ${MIN_SECRET_BYTES} bytes (e.g. \`openssl rand -hex 32\`)`,
				}),
		),
		SEED_PRODUCTS: z.preprocess(blankIsUnset, z.coerce.number().int().min(1).max(100_000).default(600)),
		/** Disables the push to the edge (e.g. a core run without a Worker). */
		EDGE_PUSH: z.preprocess(blankIsUnset, z.enum(["on", "off"]).default("on")),
		/** Deliver mail over SMTP (smtp://user:pass@host:587); unset: the dev outbox at /identity/dev/mail. */
		SMTP_URL: optional(z.string()),
		MAIL_FROM: z.preprocess(blankIsUnset, z.string().min(3).default("Bazaar <no-reply@bazaar.local>")),
		/**
		 * Sign-ups the whole core accepts per minute, in bursts of a sixth of it: each costs an
		 * argon2id hash (~60 ms of CPU on a small machine). Test runs that sign up crowds raise it.
		 */
		SIGNUP_GLOBAL_PER_MINUTE: z.preprocess(blankIsUnset, z.coerce.number().int().min(1).max(1_000_000).default(180)),
		/** Made an admin on boot; a new account's generated password is printed once. */
		ADMIN_EMAIL: z.preprocess(blankIsUnset, z.email().default("admin@bazaar.local")),
		/** The password the admin account gets when it is created (first start); unset: random, printed once. */
		ADMIN_PASSWORD: optional(NewPassword),
		/**
		 * How much longer a checkout's reservation lives than its order's payment window: a payment
		 * that lands just before the order expires still finds its units held when it commits.
		 */
		CHECKOUT_RESERVATION_GRACE_SECONDS: z.preprocess(
			blankIsUnset,
			z.coerce.number().int().min(0).max(86_400).default(300),
		),
		/**
		 * How long a bus delivery may go unacknowledged (with no heartbeat from its consumer) before it
		 * counts as a dead consumer's and is handed to another process. Unset: the bus's default (30 s).
		 */
		/** Redis key prefix of the bus's streams (tests give each run its own). */
		BUS_REDIS_PREFIX: z.preprocess(
			blankIsUnset,
			z
				.string()
				.regex(/^[a-z0-9:_-]{1,100}$/i)
				.default("bazaar:bus"),
		),
		BUS_IDLE_TIMEOUT_MS: optional(z.coerce.number().int().min(50).max(3_600_000)),
		/**
		 * TEST ONLY (core/src/workflows/crash.test.ts): the process SIGKILLs itself at this point of the
		 * bus flows, so a test can prove nothing is lost or doubled across a crash. Never set it in
		 * production. `order-placed-commit`: right after checkout committed a new order (its stock
		 * reserved, no payment yet, the shopper never gets an answer). `order-paid-commit`: right
		 * after payment.succeeded committed the order as paid
		 * (order.paid is in the order outbox, not yet relayed). `inventory-commit`: right after the
		 * inventory committed the paid order's reservation, before the bus acknowledged order.paid.
		 */
		BAZAAR_TEST_CRASH_AFTER: optional(z.enum(CRASH_POINTS)),
		...InventoryEnv.shape,
		...CartEnv.shape,
		...OrderEnv.shape,
		...PaymentEnv.shape,
		...FulfillmentEnv.shape,
		...ReviewEnv.shape,
	})
	.superRefine((e, ctx) => {
		// A crash hook in a live shop is a remote kill switch: only the test runners may arm it.
		if (e.BAZAAR_TEST_CRASH_AFTER !== undefined && e.BAZAAR_ENV !== "test") {
			ctx.addIssue({
				code: "custom",
				path: ["BAZAAR_TEST_CRASH_AFTER"],
				message: `is for the test runner only: refused with BAZAAR_ENV=${e.BAZAAR_ENV} (it needs BAZAAR_ENV=test)`,
			});
		}
		// The sandbox gateway's webhooks carry payments: in production they need their own key.
		if (e.BAZAAR_ENV === "production" && e.PAYMENT_SANDBOX === "on" && e.SANDBOX_WEBHOOK_SECRET === undefined) {
			ctx.addIssue({
				code: "custom",
				path: ["SANDBOX_WEBHOOK_SECRET"],
				message: "is required in production while the sandbox gateway is on (derived keys are for local stacks only)",
			});
		}
		// One key per trust domain: the same value twice would let one leak forge both kinds of message.
		const keys = {
			BAZAAR_SIGNING_SECRET: e.BAZAAR_SIGNING_SECRET,
			SANDBOX_WEBHOOK_SECRET: e.SANDBOX_WEBHOOK_SECRET,
			CARRIER_WEBHOOK_SECRET: e.CARRIER_WEBHOOK_SECRET,
		};
		const seen = new Map<string, string>();
		for (const [name, value] of Object.entries(keys)) {
			if (value === undefined) continue;
			const first = seen.get(value);
			if (first) {
				ctx.addIssue({ code: "custom", path: [name], message: `must differ from ${first} (one key per trust domain)` });
			} else seen.set(value, name);
		}
	});

export interface Config {
	env: BazaarEnv;
	port: number;
	processes: number;
	dataDir: string;
	catalogDbUrl: string;
	identityDbUrl: string;
	busDbUrl: string;
	imagesDir: string;
	/** Where catalog events are pushed, or null when EDGE_PUSH=off. */
	edgeUrl: string | null;
	/** The storefront's public origin (EDGE_URL): reset links and payment return URLs point there. */
	storefrontUrl: string;
	redisUrl: string | null;
	signingSecret: string;
	seedProducts: number;
	smtpUrl: string | null;
	mailFrom: string;
	adminEmail: string;
	adminPassword: string | null;
	signupGlobalPerMinute: number;
	reservationGraceMs: number;
	busRedisPrefix: string;
	busIdleTimeoutMs: number | null;
	crashAfter: CrashPoint | null;
	inventory: InventoryConfig;
	cart: CartConfig;
	order: OrderConfig;
	payment: PaymentConfig;
	fulfillment: FulfillmentConfig;
	review: ReviewConfig;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
	const parsed = ConfigSchema.safeParse(env);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
		throw new Error(`invalid core configuration:\n${lines.join("\n")}`);
	}
	const e = parsed.data;
	const dataDir = resolve(e.DATA_DIR);
	const file = (name: string) => `file:${resolve(dataDir, name)}`;
	return {
		env: e.BAZAAR_ENV,
		port: e.CORE_PORT,
		processes: e.CORE_PROCESSES,
		dataDir,
		catalogDbUrl: e.DATABASE_URL_CATALOG ?? file("catalog.db"),
		identityDbUrl: e.DATABASE_URL_IDENTITY ?? file("identity.db"),
		busDbUrl: e.DATABASE_URL_BUS ?? file("bus.db"),
		imagesDir: resolve(dataDir, "images"),
		edgeUrl: e.EDGE_PUSH === "off" ? null : e.EDGE_URL,
		storefrontUrl: e.EDGE_URL,
		redisUrl: e.REDIS_URL ?? null,
		signingSecret: e.BAZAAR_SIGNING_SECRET,
		seedProducts: e.SEED_PRODUCTS,
		smtpUrl: e.SMTP_URL ?? null,
		mailFrom: e.MAIL_FROM,
		adminEmail: e.ADMIN_EMAIL,
		adminPassword: e.ADMIN_PASSWORD ?? null,
		signupGlobalPerMinute: e.SIGNUP_GLOBAL_PER_MINUTE,
		reservationGraceMs: e.CHECKOUT_RESERVATION_GRACE_SECONDS * 1000,
		busRedisPrefix: e.BUS_REDIS_PREFIX,
		busIdleTimeoutMs: e.BUS_IDLE_TIMEOUT_MS ?? null,
		crashAfter: e.BAZAAR_TEST_CRASH_AFTER ?? null,
		// The modules' own loaders derive their defaults (already validated above).
		inventory: loadInventoryConfig(dataDir, env),
		cart: loadCartConfig(dataDir, env),
		order: loadOrderConfig(dataDir, env),
		payment: loadPaymentConfig(
			{
				dataDir,
				edgeUrl: e.EDGE_URL,
				corePort: e.CORE_PORT,
				signingSecret: e.BAZAAR_SIGNING_SECRET,
				env: e.BAZAAR_ENV,
			},
			env,
		),
		fulfillment: loadFulfillmentConfig({ dataDir, signingSecret: e.BAZAAR_SIGNING_SECRET, env: e.BAZAAR_ENV }, env),
		review: loadReviewConfig({ dataDir }, env),
	};
}

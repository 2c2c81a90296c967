import { resolve } from "node:path";
import { NewPassword } from "@bazaar/contracts/identity";
import { z } from "zod";
import { type CartConfig, CartEnv, loadCartConfig } from "./cart/config";
import { type DeliveryConfig, DeliveryEnv, loadDeliveryConfig } from "./delivery/config";
import { type FlashConfig, FlashEnv, loadFlashConfig } from "./flash/config";
import { type FulfillmentConfig, FulfillmentEnv, loadFulfillmentConfig } from "./fulfillment/config";
import { parseSmtpUrl } from "./identity/smtp-url";
import { type InventoryConfig, InventoryEnv, loadInventoryConfig } from "./inventory/config";
import type { ReplicaOptions } from "./lib/db";
import { LOG_FORMATS, type LogFormat } from "./observability/log";
import { OtelEnv, type TracesExporter, tracesExporter } from "./observability/otel-env";
import { loadOrderConfig, type OrderConfig, OrderEnv } from "./order/config";
import { loadPaymentConfig, type PaymentConfig, PaymentEnv } from "./payment/config";
import { loadReviewConfig, type ReviewConfig, ReviewEnv } from "./review/config";
import { loadSupportConfig, type SupportConfig, SupportEnv } from "./support/config";

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
		/**
		 * A local file for a libSQL embedded replica of a remote DATABASE_URL_CATALOG: catalog reads
		 * come from it, writes go to the server.
		 */
		CATALOG_REPLICA_PATH: optional(z.string()),
		CATALOG_REPLICA_SYNC_MS: z.preprocess(blankIsUnset, z.coerce.number().int().min(100).max(3_600_000).default(1_000)),
		DATABASE_URL_IDENTITY: optional(z.string()),
		/** The libSQL bus (used when REDIS_URL is unset). */
		DATABASE_URL_BUS: optional(z.string()),
		/** The promotion module's database (activities, rules, coupons, redemptions). */
		DATABASE_URL_PROMOTION: optional(z.string()),
		/** The storefront's public origin; required in production (links in mails and payment returns point there). */
		EDGE_URL: optional(z.url({ protocol: /^https?$/ })),
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
		SMTP_URL: optional(
			z.string().superRefine((url, ctx) => {
				try {
					parseSmtpUrl(url);
				} catch (err) {
					ctx.addIssue({ code: "custom", message: (err as Error).message.replace(/^SMTP_URL /, "") });
				}
			}),
		),
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
		/** `json` (one object per line, for a log shipper) or `text`; default: json in production. */
		LOG_FORMAT: optional(z.enum(LOG_FORMATS)),
		/** A log line per request answered and bus event handled; default: on in production. */
		LOG_REQUESTS: optional(z.enum(["on", "off"])),
		/** Prometheus /metrics on a port of its own; default 9464 in production, off elsewhere. */
		METRICS_PORT: optional(Port),
		/** Where /metrics listens: loopback unless the scraper is elsewhere (it is not signed). */
		METRICS_HOST: z.preprocess(blankIsUnset, z.string().min(1).default("127.0.0.1")),
		/** /readyz answers 503 while more bus events than this wait to be delivered or sent. */
		READY_MAX_BUS_BACKLOG: z.preprocess(blankIsUnset, z.coerce.number().int().min(0).default(10_000)),
		...OtelEnv.shape,
		...InventoryEnv.shape,
		...CartEnv.shape,
		...OrderEnv.shape,
		...PaymentEnv.shape,
		...FulfillmentEnv.shape,
		...FlashEnv.shape,
		...DeliveryEnv.shape,
		...ReviewEnv.shape,
		...SupportEnv.shape,
	})
	.superRefine((e, ctx) => {
		// A local default in production would send shoppers' reset links and payment returns to 127.0.0.1.
		if (e.BAZAAR_ENV === "production" && e.EDGE_URL === undefined) {
			ctx.addIssue({
				code: "custom",
				path: ["EDGE_URL"],
				message: "is required in production: the storefront's public origin (e.g. https://shop.example.com)",
			});
		}
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
		if (e.CATALOG_REPLICA_PATH !== undefined && !/^(libsql|https?|wss?):\/\//.test(e.DATABASE_URL_CATALOG ?? "")) {
			ctx.addIssue({
				code: "custom",
				path: ["CATALOG_REPLICA_PATH"],
				message: "needs DATABASE_URL_CATALOG to be a libSQL server or Turso URL (libsql://, https:// or http://)",
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
	/** Catalog reads from an embedded replica of the remote catalog database, when set. */
	catalogReplica: ReplicaOptions | null;
	identityDbUrl: string;
	busDbUrl: string;
	promotionDbUrl: string;
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
	logFormat: LogFormat;
	logRequests: boolean;
	/** Where /metrics listens, or null when it is off. */
	metrics: { host: string; port: number } | null;
	readyMaxBusBacklog: number;
	/** Which span exporter the OTEL_* variables ask for; null: tracing off. */
	tracesExporter: TracesExporter;
	inventory: InventoryConfig;
	cart: CartConfig;
	order: OrderConfig;
	payment: PaymentConfig;
	fulfillment: FulfillmentConfig;
	flash: FlashConfig;
	review: ReviewConfig;
	support: SupportConfig;
	delivery: DeliveryConfig;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
	const parsed = ConfigSchema.safeParse(env);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
		throw new Error(`invalid core configuration:\n${lines.join("\n")}`);
	}
	const e = parsed.data;
	const edgeUrl = e.EDGE_URL ?? "http://127.0.0.1:8787";
	const dataDir = resolve(e.DATA_DIR);
	const file = (name: string) => `file:${resolve(dataDir, name)}`;
	return {
		env: e.BAZAAR_ENV,
		port: e.CORE_PORT,
		processes: e.CORE_PROCESSES,
		dataDir,
		catalogDbUrl: e.DATABASE_URL_CATALOG ?? file("catalog.db"),
		catalogReplica: e.CATALOG_REPLICA_PATH
			? { path: resolve(dataDir, e.CATALOG_REPLICA_PATH), syncIntervalMs: e.CATALOG_REPLICA_SYNC_MS }
			: null,
		identityDbUrl: e.DATABASE_URL_IDENTITY ?? file("identity.db"),
		busDbUrl: e.DATABASE_URL_BUS ?? file("bus.db"),
		promotionDbUrl: e.DATABASE_URL_PROMOTION ?? file("promotion.db"),
		imagesDir: resolve(dataDir, "images"),
		edgeUrl: e.EDGE_PUSH === "off" ? null : edgeUrl,
		storefrontUrl: edgeUrl,
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
		logFormat: e.LOG_FORMAT ?? (e.BAZAAR_ENV === "production" ? "json" : "text"),
		logRequests: (e.LOG_REQUESTS ?? (e.BAZAAR_ENV === "production" ? "on" : "off")) === "on",
		metrics:
			e.METRICS_PORT !== undefined
				? { host: e.METRICS_HOST, port: e.METRICS_PORT }
				: e.BAZAAR_ENV === "production"
					? { host: e.METRICS_HOST, port: 9464 }
					: null,
		readyMaxBusBacklog: e.READY_MAX_BUS_BACKLOG,
		tracesExporter: tracesExporter(e),
		// The modules' own loaders derive their defaults (already validated above).
		inventory: loadInventoryConfig(dataDir, env),
		cart: loadCartConfig(dataDir, env),
		order: loadOrderConfig(dataDir, env),
		payment: loadPaymentConfig(
			{
				dataDir,
				edgeUrl,
				corePort: e.CORE_PORT,
				signingSecret: e.BAZAAR_SIGNING_SECRET,
				env: e.BAZAAR_ENV,
			},
			env,
		),
		fulfillment: loadFulfillmentConfig({ dataDir, signingSecret: e.BAZAAR_SIGNING_SECRET, env: e.BAZAAR_ENV }, env),
		flash: loadFlashConfig(dataDir, env),
		review: loadReviewConfig({ dataDir }, env),
		support: loadSupportConfig({ dataDir }, env),
		delivery: loadDeliveryConfig({ dataDir, signingSecret: e.BAZAAR_SIGNING_SECRET }, env),
	};
}

/**
 * The process's configuration, or its exit: one line per bad or missing variable, naming the
 * variable and never its value, on stderr, then exit code 1 — not a stack trace.
 */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
	try {
		return loadConfig(env);
	} catch (err) {
		console.error(err instanceof Error ? err.message : String(err));
		process.exit(1);
	}
}

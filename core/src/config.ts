import { resolve } from "node:path";
import { NewPassword } from "@bazaar/contracts/identity";
import { z } from "zod";
import { type CartConfig, CartEnv, loadCartConfig } from "./cart/config";
import { type InventoryConfig, InventoryEnv, loadInventoryConfig } from "./inventory/config";
import { loadOrderConfig, type OrderConfig, OrderEnv } from "./order/config";
import { loadPaymentConfig, type PaymentConfig, PaymentEnv } from "./payment/config";

// Every setting has a default so `npm start` works on a fresh clone with nothing set. The
// modules keep their own env schemas (cart/config.ts, …); they are folded in here so one run
// reports every bad variable at once.
const REPO_ROOT = resolve(import.meta.dir, "../..");

const Port = z.coerce.number().int().min(0).max(65_535);
const blankIsUnset = (v: unknown) => (v === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankIsUnset, schema.optional());

export const ConfigSchema = z.object({
	CORE_PORT: z.preprocess(blankIsUnset, Port.default(4000)),
	DATA_DIR: z.preprocess(blankIsUnset, z.string().default(resolve(REPO_ROOT, "data"))),
	DATABASE_URL_CATALOG: optional(z.string()),
	DATABASE_URL_IDENTITY: optional(z.string()),
	/** The libSQL bus (used when REDIS_URL is unset). */
	DATABASE_URL_BUS: optional(z.string()),
	EDGE_URL: z.preprocess(blankIsUnset, z.url().default("http://127.0.0.1:8787")),
	REDIS_URL: optional(z.string()),
	BAZAAR_SIGNING_SECRET: z.preprocess(blankIsUnset, z.string().min(16).default("dev-only-bazaar-signing-secret")),
	SEED_PRODUCTS: z.preprocess(blankIsUnset, z.coerce.number().int().min(1).max(100_000).default(600)),
	/** Disables the push to the edge (e.g. a core run without a Worker). */
	EDGE_PUSH: z.preprocess(blankIsUnset, z.enum(["on", "off"]).default("on")),
	/** Deliver mail over SMTP (smtp://user:pass@host:587); unset: the dev outbox at /identity/dev/mail. */
	SMTP_URL: optional(z.string()),
	MAIL_FROM: z.preprocess(blankIsUnset, z.string().min(3).default("Bazaar <no-reply@bazaar.local>")),
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
	...InventoryEnv.shape,
	...CartEnv.shape,
	...OrderEnv.shape,
	...PaymentEnv.shape,
});

export interface Config {
	port: number;
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
	reservationGraceMs: number;
	inventory: InventoryConfig;
	cart: CartConfig;
	order: OrderConfig;
	payment: PaymentConfig;
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
		port: e.CORE_PORT,
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
		reservationGraceMs: e.CHECKOUT_RESERVATION_GRACE_SECONDS * 1000,
		// The modules' own loaders derive their defaults (already validated above).
		inventory: loadInventoryConfig(dataDir, env),
		cart: loadCartConfig(dataDir, env),
		order: loadOrderConfig(dataDir, env),
		payment: loadPaymentConfig(
			{ dataDir, edgeUrl: e.EDGE_URL, corePort: e.CORE_PORT, signingSecret: e.BAZAAR_SIGNING_SECRET },
			env,
		),
	};
}

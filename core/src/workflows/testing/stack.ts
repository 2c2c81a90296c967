import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { type Caller, sign } from "@bazaar/signature";
import { createFetch } from "../../app";
import { loadConfig } from "../../config";
import { TEST_PASSWORD_COST } from "../../identity/test-harness";
import { SECRET, seededTemplate, tempDir } from "../../testing/harness";
import { type Core, type CoreOptions, openCore } from "../compose";
import { seedInventoryFromCatalog } from "../stock-seed";
import { signUpByMail } from "./signup";

// The whole core on real parts for the workflow tests: every module on temp libSQL files (the
// catalog copied from the shared seeded template), the libSQL bus, the relays and consumers,
// the composed fetch served by Bun.serve on an ephemeral port, so the sandbox's webhooks and a
// "browser"'s form posts travel over real HTTP.

export const SHOP = "http://shop.test";
export const ANONYMOUS: Caller = { user: "", roles: [] };

export interface Stack {
	dir: string;
	base: string;
	core: Core;
	fetch: (req: Request) => Response | Promise<Response>;
	/** A signed request, as the edge sends it (over HTTP unless `inProcess`). */
	call(
		method: string,
		path: string,
		init?: { body?: unknown; caller?: Caller; headers?: Record<string, string>; inProcess?: boolean },
	): Promise<Response>;
	/** Plain HTTP, as a browser or a gateway (no redirects followed). */
	http(url: string, init?: RequestInit): Promise<Response>;
	close(): Promise<void>;
}

export async function stack(env: Record<string, string> = {}, options: CoreOptions = {}): Promise<Stack> {
	const dir = tempDir("bazaar-stack-");
	const template = await seededTemplate();
	copyFileSync(template.dbFile, join(dir, "catalog.db"));
	let handler: ((req: Request) => Response | Promise<Response>) | null = null;
	const server = Bun.serve({
		port: 0,
		hostname: "127.0.0.1",
		fetch: (req) => (handler ? handler(req) : new Response("starting", { status: 503 })),
	});
	const base = `http://127.0.0.1:${server.port}`;
	const config = loadConfig({
		BAZAAR_ENV: "test",
		DATA_DIR: dir,
		CORE_PORT: String(server.port),
		EDGE_URL: SHOP,
		EDGE_PUSH: "off",
		BAZAAR_SIGNING_SECRET: SECRET,
		PAYMENT_SANDBOX: "on",
		SANDBOX_PAGE_URL: `${base}/payment/sandbox/pay`,
		SANDBOX_WEBHOOK_URL: `${base}/payment/webhooks/sandbox`,
		INVENTORY_SWEEP_MS: "200",
		// The race tests sign up hundreds of shoppers at once.
		SIGNUP_GLOBAL_PER_MINUTE: "600000",
		ORDER_SWEEP_MS: "200",
		...env,
	});
	const core = await openCore(config, {
		busPollMs: 20,
		relayPollMs: 50,
		passwordCost: TEST_PASSWORD_COST,
		catalog: { imagesDir: template.imagesDir },
		...options,
	});
	await seedInventoryFromCatalog(core.catalog.catalog, core.inventory);
	await core.start();
	const fetch = createFetch({ secret: SECRET, ...core });
	handler = fetch;

	return {
		dir,
		base,
		core,
		fetch,
		async call(method, path, init = {}) {
			const body =
				init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
			const headers = { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...init.headers };
			const signed = await sign({ secret: SECRET, method, path, body, headers, caller: init.caller ?? ANONYMOUS });
			const request = new Request(`${base}${path}`, { method, headers: { ...headers, ...signed }, body });
			return init.inProcess ? fetch(request) : globalThis.fetch(request);
		},
		http: (url, init) =>
			globalThis.fetch(url.startsWith("http") ? url : `${base}${url}`, { redirect: "manual", ...init }),
		async close() {
			server.stop(true);
			await core.stop();
		},
	};
}

let n = 0;
/** Signs up a customer (register, then the mailed link); returns the caller the edge would sign for them. */
export async function registerCustomer(s: Stack, name = "Shopper"): Promise<Caller & { email: string }> {
	const email = `shopper${++n}-${Date.now()}@example.test`;
	const user = await signUpByMail(s.call, { email, password: "correct horse battery", name });
	return { user: user.id, roles: user.roles, email };
}

export const ADDRESS = {
	name: "Ada Shopper",
	line1: "1 Market Street",
	city: "San Francisco",
	region: "CA",
	postalCode: "94105",
	country: "US",
};

export function checkoutBody(overrides: Record<string, unknown> = {}) {
	return {
		address: ADDRESS,
		shippingMethod: "standard",
		returnUrl: `${SHOP}/checkout/return?order={orderId}`,
		cancelUrl: `${SHOP}/cart`,
		...overrides,
	};
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(check: () => Promise<T | undefined>, deadlineMs = 5_000, what = "condition") {
	const until = Date.now() + deadlineMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
		await Bun.sleep(25);
	}
}

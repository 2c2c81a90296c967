import { type Caller, sign } from "@bazaar/signature";
import { and, eq } from "drizzle-orm";
import type { Catalog } from "../../catalog/context";
import { products, variantPrices, variants } from "../../catalog/schema";
import type { Inventory } from "../../inventory/module";
import { json } from "../../testing/harness";
import { signUpByMail } from "./signup";
import { checkoutBody } from "./stack";

// A shopper's journey against a core, in-process (the workflow stack) or in another process (the
// crash test): cart → checkout → the sandbox's hosted page → approve. Only HTTP, signed as the
// edge signs it for the shopper.

export interface CoreClient {
	/** A signed request, as the edge sends it. */
	call(
		method: string,
		path: string,
		init?: { body?: unknown; caller?: Caller; headers?: Record<string, string> },
	): Promise<Response>;
	/** Plain HTTP, as a browser or a gateway (no redirects followed). */
	http(url: string, init?: RequestInit): Promise<Response>;
}

/** A client of a core listening at `base` (another process), signing with `secret`. */
export function remoteCore(base: string, secret: string): CoreClient {
	return {
		async call(method, path, init = {}) {
			const body =
				init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
			const caller = init.caller ?? { user: "", roles: [] };
			const headers = { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...init.headers };
			const signed = await sign({ secret, method, path, body, headers, caller });
			return fetch(`${base}${path}`, { method, headers: { ...headers, ...signed }, body });
		},
		http: (url, init) => fetch(url.startsWith("http") ? url : `${base}${url}`, { redirect: "manual", ...init }),
	};
}

/** Active variants of one kind priced in USD with at least 10 available (one per product). */
export async function pickVariants(
	catalog: Catalog,
	inventory: Pick<Inventory, "availability">,
	n: number,
	kind: "physical" | "digital" = "physical",
	skip = 0,
): Promise<{ id: string; sku: string }[]> {
	const rows = await catalog.database.db
		.select({ id: variants.id, sku: variants.sku, productId: products.id })
		.from(variants)
		.innerJoin(products, eq(products.id, variants.productId))
		.innerJoin(variantPrices, and(eq(variantPrices.variantId, variants.id), eq(variantPrices.currency, "USD")))
		.where(and(eq(products.status, "active"), eq(products.kind, kind), eq(variants.inStock, true)));
	const picked: { id: string; sku: string }[] = [];
	const seen = new Set<string>();
	for (const r of rows) {
		if (seen.has(r.productId)) continue;
		seen.add(r.productId);
		const { items } = await inventory.availability([{ sku: r.sku }]);
		if ((items[0]?.available ?? Number.POSITIVE_INFINITY) >= 10) picked.push({ id: r.id, sku: r.sku });
		if (picked.length >= skip + n) break;
	}
	return picked.slice(skip, skip + n);
}

let registered = 0;
/** Signs up a customer (register, then the mailed link); returns the caller the edge would sign for them. */
export async function signUp(core: CoreClient, name = "Shopper"): Promise<Caller> {
	const email = `journey${++registered}-${Date.now()}@example.test`;
	const user = await signUpByMail(core.call, { email, password: "correct horse battery", name });
	return { user: user.id, roles: user.roles };
}

export interface PlacedOrder {
	orderId: string;
	reservationId: string;
	redirectUrl: string;
}

/** Puts the lines in the customer's cart, line i with quantity i + 1. */
export async function fillCart(core: CoreClient, caller: Caller, lines: { id: string }[]): Promise<void> {
	for (const [i, l] of lines.entries()) {
		const res = await core.call("POST", "/cart/lines", { caller, body: { variantId: l.id, quantity: i + 1 } });
		if (res.status !== 200) throw new Error(`add to cart: ${res.status} ${await res.text()}`);
	}
}

/** POST /checkout of the cart under an Idempotency-Key; the order waits for its payment. */
export async function checkout(core: CoreClient, caller: Caller, key: string): Promise<PlacedOrder> {
	const res = await core.call("POST", "/checkout", {
		caller,
		body: checkoutBody(),
		headers: { "idempotency-key": key },
	});
	if (res.status !== 201) throw new Error(`checkout: ${res.status} ${await res.text()}`);
	const answer = await json<{ order: { id: string; reservationId: string }; payment: { redirectUrl: string } }>(res);
	return {
		orderId: answer.order.id,
		reservationId: answer.order.reservationId,
		redirectUrl: answer.payment.redirectUrl,
	};
}

/** Fills the cart and checks out. */
export async function placeOrder(
	core: CoreClient,
	caller: Caller,
	lines: { id: string }[],
	key = `journey-${caller.user}-${Date.now()}`,
): Promise<PlacedOrder> {
	await fillCart(core, caller, lines);
	return checkout(core, caller, key);
}

/**
 * The shopper decides on the sandbox's hosted page, as the edge forwards it: the page and the
 * decision signed as the shopper who owns the order. Answers the decision's response (200
 * `{location}`: where the edge sends the browser back to the shop).
 */
export async function decideSandbox(
	core: CoreClient,
	caller: Caller,
	redirectUrl: string,
	decision: "approve" | "decline",
): Promise<Response> {
	const path = new URL(redirectUrl).pathname;
	const page = await core.call("GET", path, { caller });
	if (page.status !== 200) throw new Error(`sandbox page: ${page.status}`);
	await page.arrayBuffer();
	return core.call("POST", `${path}/${decision}`, { caller });
}

/** The shopper approves on the sandbox's hosted page. */
export async function approvePayment(core: CoreClient, caller: Caller, redirectUrl: string): Promise<void> {
	const res = await decideSandbox(core, caller, redirectUrl, "approve");
	if (res.status !== 200) throw new Error(`sandbox approve: ${res.status} ${await res.text()}`);
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function pollFor<T>(check: () => Promise<T | undefined>, deadlineMs = 10_000, what = "condition") {
	const until = Date.now() + deadlineMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > until) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
		await Bun.sleep(25);
	}
}

/** The order as its owner sees it, once `ready` says so. */
export function orderWhen<T extends { status: string }>(
	core: CoreClient,
	caller: Caller,
	orderId: string,
	ready: (order: T) => boolean,
	deadlineMs = 10_000,
): Promise<T> {
	return pollFor(
		async () => {
			const res = await core.call("GET", `/orders/${orderId}`, { caller });
			if (res.status !== 200) return undefined;
			const order = await json<T>(res);
			return ready(order) ? order : undefined;
		},
		deadlineMs,
		`order ${orderId}`,
	);
}

import { env } from "cloudflare:workers";
import { ProductList } from "@bazaar/contracts";
import type { Caller } from "@bazaar/signature";
import { expect } from "vitest";
import { createSession } from "../src/session/store";
import { csrfOf, get, Jar, mailedSignupLink, post, rand, signUpThroughPages, uniqueEmail } from "./browser";
import { core, ORIGIN } from "./helpers";

// What the account, order and dev-mail tests share: a browser's cookie jar driving the real
// Worker, and shortcuts that act straight at the real core (as another device, an admin or the
// checkout would). Nothing here stands in for our own code.

export const SESSION = "__Host-bazaar_session";
export const PASSWORD = "correct horse battery";

export { csrfOf, get, Jar, mailedSignupLink, post, signUpThroughPages, uniqueEmail };

/** The alert the form shows next to itself (null when there is none). */
export function alertOf(html: string): string | null {
	return /<div class="notice" role="alert">(.*?)<\/div>/s.exec(html)?.[1] ?? null;
}

export type Shopper = { jar: Jar; email: string; name: string; caller: Caller; generation: number };

/** Signs a new shopper up through the real pages; the jar holds their session. */
export async function signUp(name = "Ada Lovelace"): Promise<Shopper> {
	const jar = new Jar();
	const email = uniqueEmail();
	const { res } = await signUpThroughPages(jar, { name, email, password: PASSWORD });
	expect(res.status).toBe(303);
	expect(jar.cookies.has(SESSION)).toBe(true);
	const user = await coreLogin(email);
	expect(user.status).toBe(200);
	return {
		jar,
		email,
		name,
		caller: { user: user.body.id, roles: user.body.roles },
		generation: user.body.sessionGeneration,
	};
}

/** Logs in straight at the core (as the admin API or another device would). */
export async function coreLogin(email: string, password = PASSWORD) {
	const res = await core().request("POST", "/identity/login", {
		caller: { user: "", roles: [], ip: `10.250.${rand(255)}.${rand(254) + 1}` },
		body: JSON.stringify({ email, password }),
	});
	return {
		status: res.status,
		body: (await res.json()) as { id: string; roles: string[]; name: string; email: string; sessionGeneration: number },
	};
}

/** Logs in through the edge's form in a fresh browser; the jar holds the session when it worked. */
export async function logIn(email: string, password = PASSWORD, next?: string) {
	const jar = new Jar();
	const form = await get(jar, "/account/login");
	const fields: Record<string, string> = { email, password, csrf: csrfOf(form.html) };
	if (next !== undefined) fields.next = next;
	const { res } = await post(jar, "/account/login", fields);
	return { jar, res };
}

/** An API client's bearer token for this shopper: a session made by the edge's own session store. */
export async function bearerFor(shopper: Shopper): Promise<string> {
	const session = await createSession(env.SESSIONS, {
		userId: shopper.caller.user,
		roles: shopper.caller.roles,
		generation: shopper.generation,
	});
	return session.id;
}

/** A signed JSON call to the core as this caller. */
export async function coreCall(method: string, path: string, caller: Caller, body?: unknown, headers = {}) {
	const res = await core().request(method, path, {
		caller,
		body: body === undefined ? undefined : JSON.stringify(body),
		headers,
	});
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : null };
}

let variantPick = 0;

/** In-stock physical variants priced in USD from the seeded catalog. */
async function stockedVariants(): Promise<string[]> {
	const list = await core().json(ProductList, "GET", "/catalog/products?kind=physical&inStock=true&limit=20");
	const ids: string[] = [];
	for (const p of list.items) {
		const product = await core().getProduct(p.slug);
		const v = product.variants.find((x) => x.inStock && x.prices.some((m) => m.currency === "USD"));
		if (v) ids.push(v.id);
	}
	expect(ids.length).toBeGreaterThan(2);
	return ids;
}
let variants: Promise<string[]> | null = null;

export const SHIP_TO = {
	name: "Ada Shopper",
	line1: "1 Market Street",
	city: "San Francisco",
	region: "CA",
	postalCode: "94105",
	country: "US",
};

export type PlacedOrder = { id: string; total: number; paymentRedirect: string | null; caller: Caller };

/** Places an order for the shopper as the checkout does: cart line, then POST /checkout. */
export async function placeOrder(caller: Caller, quantity = 1): Promise<PlacedOrder> {
	variants ??= stockedVariants();
	const ids = await variants;
	const variantId = ids[variantPick++ % ids.length]!;
	const line = await coreCall("POST", "/cart/lines", caller, { variantId, quantity });
	expect(line.status, JSON.stringify(line.body)).toBe(200);
	const placed = await coreCall(
		"POST",
		"/checkout",
		caller,
		{
			address: SHIP_TO,
			shippingMethod: "standard",
			returnUrl: `${ORIGIN}/checkout/return?order={orderId}`,
			cancelUrl: `${ORIGIN}/cart`,
		},
		{ "idempotency-key": `test-${Date.now()}-${rand(1e9)}` },
	);
	expect(placed.status, JSON.stringify(placed.body)).toBe(201);
	return {
		id: placed.body.order.id,
		total: placed.body.order.total,
		paymentRedirect: placed.body.payment.redirectUrl,
		caller,
	};
}

/** Approves the order's payment on the sandbox gateway's hosted page, as its owner (the edge's signed calls). */
export async function approvePayment(order: PlacedOrder): Promise<void> {
	const reference = order.paymentRedirect?.split("/").at(-1);
	if (!reference) throw new Error("the order has no sandbox payment page");
	const page = `/payment/sandbox/pay/${reference}`;
	const shown = await core().request("GET", page, { caller: order.caller });
	expect(shown.status).toBe(200);
	await shown.arrayBuffer();
	const decided = await core().request("POST", `${page}/approve`, { caller: order.caller });
	expect(decided.status).toBe(200);
	await decided.arrayBuffer();
}

/** Polls until `check` returns a value (the bus settles orders asynchronously). */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, deadlineMs = 10_000) {
	const until = Date.now() + deadlineMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

import type { Caller } from "@bazaar/signature";
import { expect } from "vitest";
import { get, Jar, post, rand, signUpThroughPages } from "./browser";
import { core, ORIGIN, receiveStock } from "./helpers";

// A shopper for the checkout tests: a cookie jar, sign-up through the real account forms, the
// caller the edge signs for them (to fill the cart through the core), and stock of their own.

const PASSWORD = "correct horse battery";
const ADMIN: Caller = { user: "usr_test_admin", roles: ["admin"] };

export { get, Jar, post };

export function fieldOf(html: string, name: string): string {
	const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
	if (!m) throw new Error(`no ${name} field in ${html.slice(0, 400)}`);
	return decodeHtml(m[1]!);
}

/** Every hidden field of the form that posts to `action` (the state a step carries on). */
export function hiddenFields(html: string, action: string): Record<string, string> {
	const start = html.indexOf(`action="${action}"`);
	if (start < 0) throw new Error(`no form posting to ${action} in ${html.slice(0, 400)}`);
	const form = html.slice(start, html.indexOf("</form>", start));
	const out: Record<string, string> = {};
	for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) out[m[1]!] = decodeHtml(m[2]!);
	return out;
}

const decodeHtml = (s: string) =>
	s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e as "amp"]);

export interface Shopper {
	jar: Jar;
	email: string;
	caller: Caller;
}

/** Signs up through the storefront's forms; the caller is what the edge signs for this shopper. */
export async function signUp(name = "Ada Shopper"): Promise<Shopper> {
	const jar = new Jar();
	const email = `checkout-${Date.now()}-${rand(1e9)}@example.com`;
	const done = await signUpThroughPages(jar, { name, email, password: PASSWORD });
	expect(done.res.status).toBe(303);
	const login = await core().request("POST", "/identity/login", {
		caller: { user: "", roles: [], ip: jar.ip },
		body: JSON.stringify({ email, password: PASSWORD }),
	});
	expect(login.status).toBe(200);
	const user = (await login.json()) as { id: string; roles: string[] };
	return { jar, email, caller: { user: user.id, roles: user.roles, ip: jar.ip } };
}

export interface StockedVariant {
	id: string;
	sku: string;
	title: string;
	slug: string;
}

const claimed = new Set<string>();

/** A physical variant priced in `currencies` (USD unless said) that no other test of this run uses, with `units` received. */
export async function freshVariant(units = 20, currencies: string[] = ["USD"]): Promise<StockedVariant> {
	const anon: Caller = { user: "", roles: [] };
	const list = await core().request("GET", "/catalog/products?kind=physical&inStock=true&limit=100", {
		caller: anon,
	});
	const { items } = (await list.json()) as { items: { slug: string; title: string }[] };
	for (const p of items) {
		const detail = await core().request("GET", `/catalog/products/${p.slug}`, { caller: anon });
		const product = (await detail.json()) as {
			title: string;
			variants: { id: string; sku: string; inStock: boolean; prices: { currency: string }[] }[];
		};
		const v = product.variants.find(
			(x) => x.inStock && currencies.every((c) => x.prices.some((m) => m.currency === c)) && !claimed.has(x.sku),
		);
		if (!v) continue;
		claimed.add(v.sku);
		await receiveStock(v.sku, units);
		return { id: v.id, sku: v.sku, title: product.title, slug: p.slug };
	}
	throw new Error("no unclaimed stocked variant left");
}

export async function available(sku: string): Promise<number> {
	const res = await core().request("GET", `/inventory/availability?sku=${encodeURIComponent(sku)}`, {
		caller: { user: "", roles: [] },
	});
	const body = (await res.json()) as { items: { available: number | null }[] };
	return body.items[0]?.available ?? 0;
}

/** Leaves exactly `units` available (an admin's recount). */
export async function setAvailable(sku: string, units: number): Promise<void> {
	const delta = units - (await available(sku));
	if (delta === 0) return;
	const res = await core().request("POST", `/inventory/admin/skus/${encodeURIComponent(sku)}/adjust`, {
		caller: ADMIN,
		body: JSON.stringify({ delta, reason: "checkout test recount" }),
	});
	expect(res.status).toBe(200);
}

export async function addToCart(shopper: Shopper, variantId: string, quantity: number): Promise<void> {
	const res = await core().request("POST", "/cart/lines", {
		caller: shopper.caller,
		body: JSON.stringify({ variantId, quantity }),
	});
	expect(res.status).toBe(200);
}

export async function coreOrder(shopper: Shopper, orderId: string) {
	const res = await core().request("GET", `/orders/${orderId}`, { caller: shopper.caller });
	return { status: res.status, order: res.ok ? ((await res.json()) as { id: string; status: string }) : null };
}

export async function coreOrders(shopper: Shopper) {
	const res = await core().request("GET", "/orders", { caller: shopper.caller });
	return ((await res.json()) as { items: { id: string; status: string }[] }).items;
}

/** Polls (no fixed sleep) until `check` returns a value. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, deadlineMs = 10_000) {
	const until = Date.now() + deadlineMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

export const ADDRESS = {
	name: "Ada Shopper",
	line1: "1 Market Street",
	city: "San Francisco",
	region: "CA",
	postalCode: "94105",
	country: "US",
};

/** Address → shipping → review; returns the review page and the fields its "place" form posts. */
export async function toReview(s: Shopper, method: "standard" | "express" = "standard", address = ADDRESS) {
	const start = await get(s.jar, "/checkout");
	expect(start.res.status).toBe(200);
	const csrf = fieldOf(start.html, "csrf");
	const shipping = await post(s.jar, "/checkout/shipping", { csrf, addressId: "new", ...address });
	expect(shipping.res.status).toBe(200);
	const review = await post(s.jar, "/checkout/review", {
		...hiddenFields(shipping.html, "/checkout/review"),
		shippingMethod: method,
	});
	expect(review.res.status).toBe(200);
	return { html: review.html, place: hiddenFields(review.html, "/checkout/place") };
}

/** Follows the sandbox redirect through the edge and decides there, as the shopper's (or a guest's) browser does. */
export async function pay(s: { jar: Jar }, gateway: string, decision: "approve" | "decline") {
	expect(gateway.startsWith(`${ORIGIN}/sandbox-pay/sbx_`)).toBe(true);
	const path = new URL(gateway).pathname;
	const page = await get(s.jar, path);
	expect(page.res.status).toBe(200);
	const back = await post(s.jar, `${path}/${decision}`, { csrf: fieldOf(page.html, "csrf") });
	expect(back.res.status).toBe(303);
	return new URL(back.res.headers.get("location") ?? "");
}

export const orderIdIn = (url: URL) => /\/(ord_[0-9A-Z]{26})$/.exec(url.pathname)?.[1] ?? "";

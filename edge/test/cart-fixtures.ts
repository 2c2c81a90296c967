import { CategoryList, Product } from "@bazaar/contracts";
import { Cart } from "@bazaar/contracts/cart";
import { expect } from "vitest";
import { csrfOf, get, Jar, rand, signUpThroughPages } from "./browser";
import { core, edge, edgeJson, ORIGIN, receiveStock } from "./helpers";

// What the cart and header tests share: a browser's cookie jar, form and JSON calls through the
// Worker, sign-up through the real account pages, and products made for a test in the real core
// (catalog + inventory) so stock and status are known exactly.

export const CART_COOKIE = "__Host-bazaar_cart";
export const SESSION_COOKIE = "__Host-bazaar_session";
export const PASSWORD = "correct horse battery";
const ADMIN = { user: "cart-test-admin", roles: ["admin"] };

export const unique = () => `${Date.now().toString(36)}${rand(1e9).toString(36)}`;

export { csrfOf, get, Jar };

export async function postForm(
	jar: Jar,
	path: string,
	fields: Record<string, string>,
	headers: Record<string, string | undefined> = { origin: ORIGIN },
) {
	const all: Record<string, string> = { ...jar.header(), "content-type": "application/x-www-form-urlencoded" };
	for (const [k, v] of Object.entries(headers)) if (v !== undefined) all[k] = v;
	const res = await edge(path, { method: "POST", headers: all, body: new URLSearchParams(fields), redirect: "manual" });
	jar.take(res);
	return { res, html: await res.text() };
}

/** A JSON API call as the storefront's own script would make it (same origin, JSON). */
export async function api(
	jar: Jar,
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = {},
) {
	const res = await edge(path, {
		method,
		headers: { ...jar.header(), origin: ORIGIN, "content-type": "application/json", ...headers },
		...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
	});
	jar.take(res);
	const text = await res.text();
	return { res, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

/** The jar's cart, read through the JSON API and checked against the contract. */
export async function cartOf(jar: Jar): Promise<Cart> {
	const { res, body } = await api(jar, "GET", "/api/cart");
	expect(res.status).toBe(200);
	return Cart.parse(body);
}

/** The cart's lines as "variantId×quantity", for before/after comparisons. */
export const linesOf = (cart: Cart) => cart.lines.map((l) => `${l.variantId}×${l.quantity}`).sort();

export async function signUp(jar: Jar, name: string, email = `cart-${unique()}@example.com`) {
	const { res } = await signUpThroughPages(jar, { name, email, password: PASSWORD });
	expect(res.status).toBe(303);
	expect(jar.cookies.has(SESSION_COOKIE)).toBe(true);
	return { email };
}

export interface Made {
	product: Product;
	/** Variant ids in the order given. */
	variants: string[];
}

/**
 * A product made for one test in the real core: each variant with a tracked SKU holding
 * `stock` units (0 = sold out, shown as out of stock on the page).
 */
export async function makeProduct(
	stocks: number[],
	opts: { kind?: "physical" | "digital" | "service"; price?: number } = {},
): Promise<Made> {
	const categories = CategoryList.parse((await edgeJson("/api/catalog/categories")).body).items;
	const id = unique();
	const kind = opts.kind ?? "physical";
	const body = {
		kind,
		title: `Cart test item ${id}`,
		description: "Made by the cart tests.",
		categoryId: categories[0]!.id,
		variants: stocks.map((stock, i) => ({
			sku: `CT-${id}-${i}`,
			title: `Size ${i + 1}`,
			options: { size: `S${i + 1}` },
			prices: [{ amount: (opts.price ?? 1250) + i * 100, currency: "USD" }],
			inStock: stock > 0,
		})),
		...(kind === "digital" ? { digital: { format: "PDF", sizeBytes: 1000, delivery: "download" } } : {}),
		...(kind === "service" ? { service: { durationMinutes: 30, billing: "one_time", booking: "none" } } : {}),
	};
	const res = await core().request("POST", "/catalog/admin/products", { caller: ADMIN, body: JSON.stringify(body) });
	expect(res.status, await res.clone().text()).toBe(201);
	const product = Product.parse(await res.json());
	for (const [i, stock] of stocks.entries()) {
		const sku = `CT-${id}-${i}`;
		await receiveStock(sku, stock, { define: true });
	}
	return { product, variants: product.variants.map((v) => v.id) };
}

/** A service booked by appointment: one variant, `capacity` places per hour. */
export async function makeAppointment(capacity: number, price = 5000) {
	const categories = CategoryList.parse((await edgeJson("/api/catalog/categories")).body).items;
	const id = unique();
	const sku = `BK-${id}`;
	const res = await core().request("POST", "/catalog/admin/products", {
		caller: ADMIN,
		body: JSON.stringify({
			kind: "service",
			title: `Booking test ${id}`,
			description: "Made by the booking tests.",
			categoryId: categories[0]!.id,
			service: { durationMinutes: 60, billing: "one_time", booking: "appointment" },
			variants: [{ sku, title: "Default", options: {}, prices: [{ amount: price, currency: "USD" }], inStock: true }],
		}),
	});
	expect(res.status, await res.clone().text()).toBe(201);
	const product = Product.parse(await res.json());
	const define = await core().request("PUT", `/inventory/admin/skus/${sku}`, {
		caller: ADMIN,
		body: JSON.stringify({ policy: "capacity", slotCapacity: capacity }),
	});
	expect(define.status, await define.text()).toBeLessThan(300);
	return { product, sku, variantId: product.variants[0]!.id };
}

export async function archive(productId: string) {
	const res = await core().request("POST", `/catalog/admin/products/${productId}/archive`, { caller: ADMIN });
	expect(res.status, await res.text()).toBe(200);
}

/** Stock leaving the shelf outside any cart (damage, a recount). */
export async function adjustStock(sku: string, delta: number) {
	const res = await core().request("POST", `/inventory/admin/skus/${sku}/adjust`, {
		caller: ADMIN,
		body: JSON.stringify({ delta, reason: "cart test" }),
	});
	expect(res.status, await res.text()).toBe(200);
}

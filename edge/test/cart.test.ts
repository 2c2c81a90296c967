import { Cart, GUEST_TOKEN_HEADER } from "@bazaar/contracts/cart";
import { describe, expect, it } from "vitest";
import {
	adjustStock,
	api,
	archive,
	CART_COOKIE,
	cartOf,
	csrfOf,
	get,
	Jar,
	linesOf,
	makeProduct,
	postForm,
	SESSION_COOKIE,
	signUp,
} from "./cart-fixtures";
import { edge, ORIGIN } from "./helpers";

// The storefront cart through the Worker's real fetch handler against the real core: the
// product page's add-to-cart form, the /cart page and its forms, and the JSON /api/cart.

async function addFromProductPage(
	jar: Jar,
	variantId: string,
	quantity: string,
	headers: Record<string, string | undefined> = { origin: ORIGIN },
) {
	return postForm(jar, "/cart/add", { variantId, quantity }, headers);
}

describe("add to cart from the product page", () => {
	it("renders a form with a variant picker (sold-out variants disabled) and no per-shopper data", async () => {
		const { product, variants } = await makeProduct([5, 0, 3]);
		const res = await edge(`/products/${product.slug}`);
		const html = await res.text();
		expect(res.status).toBe(200);
		expect(res.headers.get("cache-control")).toBe("private, no-cache");
		expect(html).toContain('<form class="add" action="/cart/add" method="post"');
		expect(html).toContain('<select name="variantId" required');
		expect(html).toMatch(new RegExp(`<option value="${variants[0]}" selected="">`));
		expect(html).toMatch(new RegExp(`<option value="${variants[1]}" disabled="">[^<]*\\(out of stock\\)</option>`));
		expect(html).toContain(`<option value="${variants[2]}">`);
		expect(html).toMatch(/<input type="number" name="quantity" value="1" min="1" max="99"/);
		// Cached for everyone: no CSRF token, no cookie.
		expect(html).not.toContain('name="csrf"');
		expect(res.headers.get("set-cookie")).toBeNull();
	});

	it("a single-variant product posts its variant in a hidden field; a sold-out one has no form", async () => {
		const one = await makeProduct([2], { kind: "digital" });
		const html = await (await edge(`/products/${one.product.slug}`)).text();
		expect(html).toContain(`<input type="hidden" name="variantId" value="${one.variants[0]}"/>`);
		const gone = await makeProduct([0]);
		const soldOut = await (await edge(`/products/${gone.product.slug}`)).text();
		expect(soldOut).not.toContain('action="/cart/add"');
		expect(soldOut).toContain('data-testid="sold-out"');
	});

	it("adds as a guest: mints the cart cookie, redirects to the cart, which shows the line", async () => {
		const { product, variants } = await makeProduct([10, 10]);
		const jar = new Jar();
		const { res } = await addFromProductPage(jar, variants[1]!, "2");
		expect(res.status).toBe(303);
		expect(res.headers.get("location")).toBe("/cart?done=added");
		expect(res.headers.get("cache-control")).toBe("no-store");
		const cookie = res.headers.getSetCookie().find((l) => l.startsWith(`${CART_COOKIE}=`));
		expect(cookie).toMatch(new RegExp(`^${CART_COOKIE}=[A-Za-z0-9_-]{43};`));
		expect(cookie).toMatch(/; HttpOnly/i);
		expect(cookie).toMatch(/; SameSite=Lax/i);
		expect(cookie).toMatch(/; Secure/i);

		const page = await get(jar, "/cart?done=added");
		expect(page.res.status).toBe(200);
		expect(page.res.headers.get("cache-control")).toBe("no-store");
		expect(page.html).toContain("Added to your cart.");
		expect(page.html).toContain(`<a href="/products/${product.slug}">${product.title}</a>`);
		expect(page.html).toContain("Size 2");
		expect(page.html).toContain("$13.50");
		expect(page.html).toMatch(/name="quantity" value="2"/);
		expect(page.html).toContain('data-testid="subtotal">$27.00<');
		expect(page.html).toContain('href="/checkout"');

		const me = await api(jar, "GET", "/api/me");
		expect(me.body).toEqual({ user: null, cart: { count: 2 } });
		// The same variant again adds to its line.
		await addFromProductPage(jar, variants[1]!, "1");
		expect(linesOf(await cartOf(jar))).toEqual([`${variants[1]}×3`]);
	});

	it("accepts Sec-Fetch-Site: same-origin when the browser sends no Origin", async () => {
		const { variants } = await makeProduct([4]);
		const jar = new Jar();
		const { res } = await addFromProductPage(jar, variants[0]!, "1", { "sec-fetch-site": "same-origin" });
		expect(res.status).toBe(303);
		expect(linesOf(await cartOf(jar))).toEqual([`${variants[0]}×1`]);
	});

	it("refuses a cross-site post, and one with neither Origin nor Sec-Fetch-Site (403, nothing changes)", async () => {
		const { variants } = await makeProduct([10]);
		const jar = new Jar();
		await addFromProductPage(jar, variants[0]!, "1");
		const before = linesOf(await cartOf(jar));
		const attempts: Record<string, string | undefined>[] = [
			{ origin: "https://evil.example" },
			{ origin: "https://evil.example", "sec-fetch-site": "same-origin" },
			{ origin: "null", "sec-fetch-site": "cross-site" },
			{ "sec-fetch-site": "cross-site" },
			{ "sec-fetch-site": "same-site" },
			{ origin: undefined },
		];
		for (const headers of attempts) {
			const { res, html } = await addFromProductPage(jar, variants[0]!, "5", headers);
			expect(res.status, JSON.stringify(headers)).toBe(403);
			expect(html.startsWith("<!doctype html>")).toBe(true);
		}
		expect(linesOf(await cartOf(jar))).toEqual(before);
		// A new visitor's refused add leaves no cart cookie behind either.
		const stranger = new Jar();
		await addFromProductPage(stranger, variants[0]!, "1", { origin: "https://evil.example" });
		expect(stranger.cookies.has(CART_COOKIE)).toBe(false);
	});

	it("answers bad form input with a 4xx cart page and no change", async () => {
		const { variants } = await makeProduct([3]);
		const jar = new Jar();
		await addFromProductPage(jar, variants[0]!, "1");
		const before = linesOf(await cartOf(jar));
		const cases: [string, string, number, RegExp][] = [
			[variants[0]!, "0", 400, /between 1 and 99/],
			[variants[0]!, "-3", 400, /between 1 and 99/],
			[variants[0]!, "100", 400, /between 1 and 99/],
			[variants[0]!, "1.5", 400, /whole number/],
			[variants[0]!, "lots", 400, /must be a number/],
			["not a variant", "1", 400, /variant id/],
			["var_0000000000NOPE", "1", 404, /not found/],
			[variants[0]!, "5", 409, /only 2 left|only 3 left/],
		];
		for (const [variantId, quantity, status, text] of cases) {
			const { res, html } = await addFromProductPage(jar, variantId, quantity);
			expect(res.status, `${variantId} × ${quantity}: ${html.slice(0, 200)}`).toBe(status);
			expect(res.headers.get("cache-control")).toBe("no-store");
			expect(html).toMatch(text);
			expect(html).toContain("Your cart");
		}
		expect(linesOf(await cartOf(jar))).toEqual(before);
		// Not a form at all.
		const json = await edge("/cart/add", {
			method: "POST",
			headers: { ...jar.header(), origin: ORIGIN, "content-type": "application/json" },
			body: JSON.stringify({ variantId: variants[0], quantity: 1 }),
		});
		expect(json.status).toBe(400);
		expect(linesOf(await cartOf(jar))).toEqual(before);
	});
});

describe("the cart page", () => {
	it("shows an empty cart to a new visitor without creating anything", async () => {
		const jar = new Jar();
		const { res, html } = await get(jar, "/cart");
		expect(res.status).toBe(200);
		expect(res.headers.get("cache-control")).toBe("no-store");
		expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
		expect(html).toContain('data-testid="cart-empty"');
		expect(html).toContain("Your cart is empty.");
		expect(html).not.toContain('href="/checkout"');
		expect(jar.cookies.has(CART_COOKIE)).toBe(false);
	});

	it("updates a quantity and removes a line through CSRF-protected forms", async () => {
		const { variants } = await makeProduct([20, 20]);
		const jar = new Jar();
		await addFromProductPage(jar, variants[0]!, "1");
		await addFromProductPage(jar, variants[1]!, "1");
		const page = await get(jar, "/cart");
		const csrf = csrfOf(page.html);
		expect(page.html).toContain(`action="/cart/lines/${variants[0]}/quantity"`);
		expect(page.html).toContain(`action="/cart/lines/${variants[1]}/remove"`);

		const update = await postForm(jar, `/cart/lines/${variants[0]}/quantity`, { quantity: "4", csrf });
		expect(update.res.status).toBe(303);
		expect(update.res.headers.get("location")).toBe("/cart?done=updated");
		expect(linesOf(await cartOf(jar))).toEqual([`${variants[0]}×4`, `${variants[1]}×1`].sort());

		const remove = await postForm(jar, `/cart/lines/${variants[1]}/remove`, { csrf });
		expect(remove.res.status).toBe(303);
		expect(linesOf(await cartOf(jar))).toEqual([`${variants[0]}×4`]);
		// Removing it again (another tab) is not an error.
		expect((await postForm(jar, `/cart/lines/${variants[1]}/remove`, { csrf })).res.status).toBe(303);

		// Quantity 0 in the form removes the line.
		await postForm(jar, `/cart/lines/${variants[0]}/quantity`, { quantity: "0", csrf });
		expect((await cartOf(jar)).lines).toEqual([]);
		expect((await get(jar, "/cart")).html).toContain("Your cart is empty.");

		// "Empty the cart" clears every line.
		await addFromProductPage(jar, variants[0]!, "1");
		await addFromProductPage(jar, variants[1]!, "2");
		const full = await get(jar, "/cart");
		expect(full.html).toContain('action="/cart/clear"');
		const clear = await postForm(jar, "/cart/clear", { csrf: csrfOf(full.html) });
		expect(clear.res.status).toBe(303);
		expect(clear.res.headers.get("location")).toBe("/cart?done=cleared");
		expect((await cartOf(jar)).lines).toEqual([]);
	});

	it("refuses the cart's forms without the CSRF token or from another site, and bad quantities", async () => {
		const { variants } = await makeProduct([5]);
		const jar = new Jar();
		await addFromProductPage(jar, variants[0]!, "2");
		const csrf = csrfOf((await get(jar, "/cart")).html);
		const path = `/cart/lines/${variants[0]}/quantity`;

		expect((await postForm(jar, path, { quantity: "3" })).res.status).toBe(403);
		expect((await postForm(jar, path, { quantity: "3", csrf: `${csrf.slice(0, -2)}xx` })).res.status).toBe(403);
		expect((await postForm(jar, path, { quantity: "3", csrf }, { origin: "https://evil.example" })).res.status).toBe(
			403,
		);
		expect((await postForm(jar, `/cart/lines/${variants[0]}/remove`, {})).res.status).toBe(403);
		expect((await postForm(jar, "/cart/clear", {})).res.status).toBe(403);

		const tooMany = await postForm(jar, path, { quantity: "6", csrf });
		expect(tooMany.res.status).toBe(409);
		expect(tooMany.html).toMatch(/only 5 left/);
		expect((await postForm(jar, path, { quantity: "-1", csrf })).res.status).toBe(400);
		expect((await postForm(jar, path, { quantity: "2.5", csrf })).res.status).toBe(400);
		expect((await postForm(jar, "/cart/lines/var_0000000000NOPE/quantity", { quantity: "1", csrf })).res.status).toBe(
			404,
		);
		expect((await postForm(jar, "/cart/lines/..%2Fadmin/quantity", { quantity: "1", csrf })).res.status).toBe(404);
		const big = await postForm(jar, path, { quantity: "1", csrf, pad: "x".repeat(20 * 1024) });
		expect(big.res.status).toBe(413);
		expect(linesOf(await cartOf(jar))).toEqual([`${variants[0]}×2`]);
	});

	it("says which lines cannot be bought: low stock, more than is left, no longer sold", async () => {
		const low = await makeProduct([3]);
		const short = await makeProduct([6]);
		const doomed = await makeProduct([9]);
		const jar = new Jar();
		await addFromProductPage(jar, low.variants[0]!, "1");
		await addFromProductPage(jar, short.variants[0]!, "6");
		await addFromProductPage(jar, doomed.variants[0]!, "1");
		const ready = await get(jar, "/cart");
		expect(ready.html).toContain("Only 3 left.");
		expect(ready.html).toContain('href="/checkout"');

		// Two of `short` leave the shelf (damage), and `doomed` is archived.
		await adjustStock(short.product.variants[0]!.sku, -2);
		await archive(doomed.product.id);

		const page = await get(jar, "/cart");
		expect(page.res.status).toBe(200);
		expect(page.html).toContain(doomed.product.title);
		expect(page.html).toContain("No longer sold.");
		expect(page.html).not.toContain(`href="/products/${doomed.product.slug}"`);
		expect(page.html).toContain("Only 4 left: lower the quantity to check out.");
		expect(page.html).toContain('data-testid="not-ready"');
		expect(page.html).not.toContain('href="/checkout"');
		const cart = await cartOf(jar);
		expect(cart.checkoutReady).toBe(false);
		expect(cart.lines.find((l) => l.variantId === doomed.variants[0])?.status).toBe("unavailable");
	});

	it("treats a forged or garbage cart cookie as no cart (no 5xx) and drops it", async () => {
		for (const forged of ["A".repeat(43), "garbage", "x".repeat(300), "%00%ff", `${"B".repeat(42)}!`]) {
			const jar = new Jar();
			jar.cookies.set(CART_COOKIE, forged);
			expect((await api(jar, "GET", "/api/me")).body).toEqual({ user: null, cart: { count: 0 } });
			jar.cookies.set(CART_COOKIE, forged);
			const apiCart = await api(jar, "GET", "/api/cart");
			expect(apiCart.res.status).toBe(200);
			expect(Cart.parse(apiCart.body).lines).toEqual([]);
			jar.cookies.set(CART_COOKIE, forged);
			const { res, html } = await get(jar, "/cart");
			expect(res.status).toBe(200);
			expect(html).toContain("Your cart is empty.");
			if (forged !== "A".repeat(43)) expect(jar.cookies.has(CART_COOKIE)).toBe(false);
		}
	});

	it("keeps guests apart: one guest cannot read or change another's cart", async () => {
		const { variants } = await makeProduct([10]);
		const alice = new Jar();
		await addFromProductPage(alice, variants[0]!, "2");
		const bob = new Jar();
		expect((await cartOf(bob)).lines).toEqual([]);
		expect((await get(bob, "/cart")).html).toContain("Your cart is empty.");
		expect((await api(bob, "PATCH", `/api/cart/lines/${variants[0]}`, { quantity: 9 })).res.status).toBe(404);
		expect((await api(bob, "DELETE", `/api/cart/lines/${variants[0]}`)).res.status).toBe(404);
		// Bob with his own cart still reaches only his own.
		const mine = await makeProduct([10]);
		await addFromProductPage(bob, mine.variants[0]!, "1");
		expect((await api(bob, "DELETE", `/api/cart/lines/${variants[0]}`)).res.status).toBe(404);
		expect(linesOf(await cartOf(bob))).toEqual([`${mine.variants[0]}×1`]);
		expect(linesOf(await cartOf(alice))).toEqual([`${variants[0]}×2`]);
		expect(alice.cookies.get(CART_COOKIE)).not.toBe(bob.cookies.get(CART_COOKIE));
	});

	it("merges the guest cart into the new customer's at sign-up", async () => {
		const { variants } = await makeProduct([10, 10]);
		const jar = new Jar();
		await addFromProductPage(jar, variants[0]!, "2");
		await addFromProductPage(jar, variants[1]!, "1");
		await signUp(jar, "Mary Merge");
		expect(jar.cookies.has(CART_COOKIE)).toBe(false);
		const cart = await cartOf(jar);
		expect(cart.owner).toBe("customer");
		expect(linesOf(cart)).toEqual([`${variants[0]}×2`, `${variants[1]}×1`].sort());
		expect((await api(jar, "GET", "/api/me")).body).toEqual({ user: { name: "Mary Merge" }, cart: { count: 3 } });
		const page = await get(jar, "/cart");
		expect(page.html).toMatch(/name="quantity" value="2"/);
		// The customer's forms carry the session's token.
		const csrf = csrfOf(page.html);
		await postForm(jar, `/cart/lines/${variants[1]}/remove`, { csrf });
		expect(linesOf(await cartOf(jar))).toEqual([`${variants[0]}×2`]);
		// Signed in, adding goes to the customer's cart and mints no guest cookie.
		await addFromProductPage(jar, variants[1]!, "1");
		expect(jar.cookies.has(CART_COOKIE)).toBe(false);
		expect((await cartOf(jar)).itemCount).toBe(3);
	});
});

describe("the JSON cart API", () => {
	it("adds, updates, removes and clears with the core's semantics", async () => {
		const { variants } = await makeProduct([10, 10]);
		const jar = new Jar();
		const added = await api(jar, "POST", "/api/cart/lines", { variantId: variants[0], quantity: 2 });
		expect(added.res.status).toBe(200);
		expect(added.res.headers.get("cache-control")).toBe("no-store, private");
		expect(jar.cookies.has(CART_COOKIE)).toBe(true);
		expect(added.res.headers.get(GUEST_TOKEN_HEADER)).toBe(jar.cookies.get(CART_COOKIE));
		expect(Cart.parse(added.body).itemCount).toBe(2);

		await api(jar, "POST", "/api/cart/lines", { variantId: variants[1] });
		const patched = await api(jar, "PATCH", `/api/cart/lines/${variants[0]}`, { quantity: 5 });
		expect(patched.res.status).toBe(200);
		expect(linesOf(Cart.parse(patched.body))).toEqual([`${variants[0]}×5`, `${variants[1]}×1`].sort());
		const removed = await api(jar, "DELETE", `/api/cart/lines/${variants[1]}`);
		expect(linesOf(Cart.parse(removed.body))).toEqual([`${variants[0]}×5`]);
		expect((await api(jar, "DELETE", `/api/cart/lines/${variants[1]}`)).res.status).toBe(404);
		const cleared = await api(jar, "DELETE", "/api/cart");
		expect(cleared.res.status).toBe(200);
		expect(Cart.parse(cleared.body).lines).toEqual([]);
		// Clearing a cart that does not exist is just the empty cart.
		expect((await api(new Jar(), "DELETE", "/api/cart")).res.status).toBe(200);
	});

	it("answers bad input with a clear 4xx problem and changes nothing", async () => {
		const { variants } = await makeProduct([4]);
		const jar = new Jar();
		await api(jar, "POST", "/api/cart/lines", { variantId: variants[0], quantity: 1 });
		const before = linesOf(await cartOf(jar));
		const v = variants[0]!;
		const cases: [string, string, unknown, Record<string, string>, number][] = [
			["POST", "/api/cart/lines", "{not json", {}, 400],
			["POST", "/api/cart/lines", "", {}, 400],
			["POST", "/api/cart/lines", "[1,2]", {}, 400],
			["POST", "/api/cart/lines", { variantId: v, quantity: -1 }, {}, 400],
			["POST", "/api/cart/lines", { variantId: v, quantity: 0 }, {}, 400],
			["POST", "/api/cart/lines", { variantId: v, quantity: 1e9 }, {}, 400],
			["POST", "/api/cart/lines", { variantId: v, quantity: 1.5 }, {}, 400],
			["POST", "/api/cart/lines", { variantId: v, quantity: "2" }, {}, 400],
			["POST", "/api/cart/lines", { variantId: v, quantity: 1, price: 1 }, {}, 400],
			["POST", "/api/cart/lines", { variantId: "../../admin", quantity: 1 }, {}, 400],
			["POST", "/api/cart/lines", { variantId: "var_0000000000NOPE", quantity: 1 }, {}, 404],
			["POST", "/api/cart/lines", { variantId: v, quantity: 4 }, {}, 409],
			["POST", "/api/cart/lines", { variantId: v, quantity: 1 }, { "content-type": "text/plain" }, 415],
			[
				"POST",
				"/api/cart/lines",
				{ variantId: v, quantity: 1 },
				{ "content-type": "application/x-www-form-urlencoded" },
				415,
			],
			["POST", "/api/cart/lines", { variantId: v, pad: "x".repeat(20 * 1024) }, {}, 413],
			["POST", "/api/cart/lines", { variantId: v, quantity: 1 }, { origin: "https://evil.example" }, 403],
			["POST", "/api/cart/lines", { variantId: v, quantity: 1 }, { [GUEST_TOKEN_HEADER]: "forged" }, 400],
			["PATCH", `/api/cart/lines/${v}`, { quantity: 100 }, {}, 400],
			["PATCH", `/api/cart/lines/${v}`, { quantity: 5 }, {}, 409],
			["PATCH", `/api/cart/lines/${v}`, "{", {}, 400],
			["PATCH", "/api/cart/lines/var_0000000000NOPE", { quantity: 1 }, {}, 404],
			["PATCH", "/api/cart/lines/%2e%2e%2fcart", { quantity: 1 }, {}, 404],
			["DELETE", "/api/cart/lines/not-a-variant", undefined, {}, 404],
			["DELETE", "/api/cart", undefined, { "content-type": "text/plain" }, 415],
			["DELETE", "/api/cart", undefined, { "sec-fetch-site": "cross-site", origin: "" }, 403],
		];
		for (const [method, path, body, headers, status] of cases) {
			const { res, body: problem } = await api(jar, method, path, body, headers);
			const label = `${method} ${path} ${JSON.stringify(body)?.slice(0, 80)} ${JSON.stringify(headers)}`;
			expect(res.status, `${label}: ${JSON.stringify(problem)}`).toBe(status);
			expect(res.headers.get("content-type"), label).toBe("application/problem+json");
			expect(problem?.status, label).toBe(status);
			expect(typeof problem?.detail, label).toBe("string");
		}
		expect(linesOf(await cartOf(jar))).toEqual(before);
	});

	it("lets an API client without cookies keep its guest cart by the token header", async () => {
		const { variants } = await makeProduct([10]);
		const client = async (method: string, path: string, body?: unknown, token?: string) => {
			const res = await edge(path, {
				method,
				headers: { "content-type": "application/json", ...(token ? { [GUEST_TOKEN_HEADER]: token } : {}) },
				...(body === undefined ? {} : { body: JSON.stringify(body) }),
			});
			return { res, body: (await res.json()) as Record<string, unknown> };
		};
		const first = await client("POST", "/api/cart/lines", { variantId: variants[0], quantity: 1 });
		expect(first.res.status).toBe(200);
		const token = first.res.headers.get(GUEST_TOKEN_HEADER)!;
		expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		await client("POST", "/api/cart/lines", { variantId: variants[0], quantity: 2 }, token);
		const read = await client("GET", "/api/cart", undefined, token);
		expect(linesOf(Cart.parse(read.body))).toEqual([`${variants[0]}×3`]);
		// Without the token the same client has no cart.
		expect(Cart.parse((await client("GET", "/api/cart")).body).lines).toEqual([]);
	});

	it("serves a signed-in API client by bearer session, which needs no Origin (but a JSON body says so)", async () => {
		const { variants } = await makeProduct([10]);
		const browser = new Jar();
		await signUp(browser, "Bea Bearer");
		const bearer = { authorization: `Bearer ${browser.cookies.get(SESSION_COOKIE)}` };
		const res = await edge("/api/cart/lines", {
			method: "POST",
			headers: { ...bearer, "content-type": "application/json", origin: "https://tool.example" },
			body: JSON.stringify({ variantId: variants[0], quantity: 2 }),
		});
		expect(res.status, await res.clone().text()).toBe(200);
		const notJson = await edge("/api/cart/lines", {
			method: "POST",
			headers: { ...bearer, "content-type": "text/plain" },
			body: JSON.stringify({ variantId: variants[0], quantity: 1 }),
		});
		expect(notJson.status).toBe(415);
		expect(Cart.parse(await res.json()).owner).toBe("customer");
		// The browser sees the same customer cart.
		expect(linesOf(await cartOf(browser))).toEqual([`${variants[0]}×2`]);
		const expired = await edge("/api/cart", { headers: { authorization: `Bearer ${"Z".repeat(43)}` } });
		expect(expired.status).toBe(401);
		expect(expired.headers.get("content-type")).toBe("application/problem+json");
	});
});

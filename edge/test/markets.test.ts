import { type Product, ProductList } from "@bazaar/contracts";
import { DEFAULT_MARKETS } from "@bazaar/contracts/market";
import { describe, expect, it } from "vitest";
import { csrfOf } from "./browser";
import { adminHeaders, core, edge, edgeJson, ORIGIN, signIn } from "./helpers";
import {
	ADDRESS,
	addToCart,
	coreOrder,
	eventually,
	freshVariant,
	get,
	Jar,
	orderIdIn,
	pay,
	post,
	signUp,
	toReview,
} from "./shopper";

// Markets through the Worker's real fetch handler against the real core: the market from the
// shopper's country (request.cf.country) on a first visit, the header's chooser and its cookie,
// pages and carts in the market's currency, one cache entry per market, hreflang and JSON-LD
// offers per market, and an order paid and refunded in EUR.

/** A page as a browser in that country asks for it (Cloudflare sets request.cf.country). */
function fromCountry(path: string, country: string, headers: Record<string, string> = {}) {
	return edge(path, { headers, cf: { country } } as RequestInit);
}

async function html(res: Response) {
	const text = await res.text();
	expect(res.status, text.slice(0, 300)).toBe(200);
	return text;
}

const selectedMarket = (page: string) => /<option value="([a-z]+)" selected="">/.exec(page)?.[1];

/** A seeded product sold in all three currencies. */
async function everywhereProduct(): Promise<Product> {
	const list = ProductList.parse((await edgeJson("/api/catalog/products?currency=GBP&inStock=true&limit=50")).body);
	for (const item of list.items) {
		const { body } = await edgeJson<Product>(`/api/catalog/products/${item.slug}`);
		const currencies = new Set(body.variants.flatMap((v) => v.prices.map((p) => p.currency)));
		if (["USD", "EUR", "GBP"].every((c) => currencies.has(c)) && body.variants.length === 1) return body;
	}
	throw new Error("no seeded product priced in USD, EUR and GBP");
}

const priceOf = (p: Product, currency: string) => p.variants[0]?.prices.find((x) => x.currency === currency)?.amount;

describe("the market", () => {
	it("comes from the shopper's country on a first visit, and prices follow it", async () => {
		const product = await everywhereProduct();
		const de = await html(await fromCountry(`/products/${product.slug}`, "DE"));
		expect(selectedMarket(de)).toBe("eu");
		expect(de).toMatch(/data-testid="price">€[\d,.]+</);
		const gb = await html(await fromCountry(`/products/${product.slug}`, "GB"));
		expect(selectedMarket(gb)).toBe("uk");
		expect(gb).toMatch(/data-testid="price">£[\d,.]+</);
		// A country no market lists gets the default one.
		const jp = await html(await fromCountry(`/products/${product.slug}`, "JP"));
		expect(selectedMarket(jp)).toBe(DEFAULT_MARKETS.defaultCode);
		expect(jp).toMatch(/data-testid="price">\$[\d,.]+</);
		// The add-to-cart form names the market whose prices the shopper saw.
		expect(de).toContain('<input type="hidden" name="market" value="eu"/>');
	});

	it("the chooser changes it (a plain form from this site), and the cookie keeps it", async () => {
		const jar = new Jar();
		const product = await everywhereProduct();
		const path = `/products/${product.slug}`;
		const chosen = await post(jar, "/market", { market: "uk" }, { referer: `${ORIGIN}${path}?market=eu` });
		expect(chosen.res.status).toBe(303);
		// Back to the page, without the ?market= that would outrank the choice.
		expect(chosen.res.headers.get("location")).toBe(path);
		expect(chosen.res.headers.get("cache-control")).toBe("no-store");
		expect(jar.cookies.get("__Host-bazaar_market")).toBe("uk");

		// Kept over the country: a shopper from Germany who chose the UK sees pounds.
		const page = await html(await fromCountry(path, "DE", jar.header()));
		expect(selectedMarket(page)).toBe("uk");
		expect(page).toMatch(/data-testid="price">£[\d,.]+</);

		// Not from this site, or no such market: refused, and the cookie stays as it was.
		const forged = await post(jar, "/market", { market: "us" }, { origin: "https://evil.example" });
		expect(forged.res.status).toBe(403);
		const unknown = await post(jar, "/market", { market: "mars" });
		expect(unknown.res.status).toBe(400);
		const noForm = await edge("/market", { method: "POST", headers: { origin: ORIGIN, ...jar.header() }, body: "{}" });
		expect(noForm.status).toBe(400);
		expect(jar.cookies.get("__Host-bazaar_market")).toBe("uk");
	});

	it("one cache entry per market: private to the browser, revalidated by ETag", async () => {
		const product = await everywhereProduct();
		const path = `/products/${product.slug}`;
		await fromCountry(path, "FR");
		const fr = await fromCountry(path, "FR");
		const it_ = await fromCountry(path, "IT");
		const us = await fromCountry(path, "US");
		expect(fr.headers.get("x-bazaar-cache")).toBe("memory");
		// Italy is in the same market as France: the same entry, no new rendering.
		expect(it_.headers.get("x-bazaar-cache")).toBe("memory");
		expect(it_.headers.get("etag")).toBe(fr.headers.get("etag"));
		expect(us.headers.get("etag")).not.toBe(fr.headers.get("etag"));
		expect(fr.headers.get("cache-control")).toBe("private, no-cache");
		const etag = fr.headers.get("etag") ?? "";
		expect((await fromCountry(path, "FR", { "if-none-match": etag })).status).toBe(304);
		expect((await fromCountry(path, "US", { "if-none-match": etag })).status).toBe(200);
		await Promise.all([fr.text(), it_.text(), us.text()]);
	});

	it("a product without a GBP price is unavailable in the UK, never converted", async () => {
		const token = await signIn();
		const headers = await adminHeaders(token);
		const categories = (await edgeJson<{ items: { id: string }[] }>("/api/catalog/categories")).body.items;
		const sku = `NO-GBP-${crypto.randomUUID().slice(0, 8)}`;
		const created = await edge("/api/admin/catalog/products", {
			method: "POST",
			headers,
			body: JSON.stringify({
				kind: "physical",
				title: `Euro-only kettle ${sku}`,
				description: "Sold in the Eurozone only.",
				categoryId: categories[0]?.id,
				// No USD price either: the shopper helpers pick USD-priced stock, and this has none.
				variants: [{ sku, prices: [{ amount: 4999, currency: "EUR" }] }],
			}),
		});
		expect(created.status, await created.clone().text()).toBe(201);
		const product = (await created.json()) as Product;
		const path = `/products/${product.slug}`;
		const uk = await eventually(async () => {
			const res = await fromCountry(path, "GB");
			if (res.status === 200) return res.text();
			await res.body?.cancel();
			return undefined;
		}, "the new product's page");
		expect(uk).toContain('data-testid="not-sold"');
		expect(uk).toContain("Not sold in United Kingdom");
		expect(uk).not.toContain('data-testid="add-to-cart"');
		expect(uk).not.toMatch(/£/);
		const eu = await html(await fromCountry(path, "NL"));
		expect(eu).toContain("€49.99");
		expect(eu).toContain('data-testid="add-to-cart"');
		// Not in the UK listing either; in the Eurozone's it is.
		const search = `/search?q=${encodeURIComponent(sku)}`;
		expect(await html(await fromCountry(search, "GB"))).not.toContain(path);
		// Adding it from a UK cart is refused by the core (no GBP price).
		const jar = new Jar();
		await post(jar, "/market", { market: "uk" });
		const add = await post(jar, "/cart/add", { variantId: product.variants[0]?.id ?? "", quantity: "1" });
		expect(add.res.status).toBe(422);
		expect(add.html).toContain("not sold in GBP");
	});

	it("hreflang per market, a canonical naming the market, and a JSON-LD Offer per market price", async () => {
		const product = await everywhereProduct();
		const path = `/products/${product.slug}`;
		const page = await html(await fromCountry(path, "ES"));
		expect(page).toContain(`<link rel="canonical" href="${ORIGIN}${path}?market=eu"/>`);
		for (const m of DEFAULT_MARKETS.items) {
			expect(page).toContain(
				`<link rel="alternate" href="${ORIGIN}${path}?market=${m.code}" hreflang="${m.hreflang}"/>`,
			);
		}
		expect(page).toContain(`<link rel="alternate" href="${ORIGIN}${path}" hreflang="x-default"/>`);
		// The address names the market whatever the country: a crawler in the US sees the UK page.
		const addressed = await html(await fromCountry(`${path}?market=uk`, "US"));
		expect(selectedMarket(addressed)).toBe("uk");
		expect(addressed).toContain(`<link rel="canonical" href="${ORIGIN}${path}?market=uk"/>`);

		const blocks = [...page.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/g)].map((m) =>
			JSON.parse(m[1] as string),
		);
		const ld = blocks.find((b) => b["@type"] === "Product");
		expect(ld.offers).toHaveLength(3);
		const byCurrency = Object.fromEntries(ld.offers.map((o: { priceCurrency: string }) => [o.priceCurrency, o]));
		const gbp = priceOf(product, "GBP") as number;
		expect(byCurrency.GBP).toMatchObject({
			"@type": "Offer",
			url: `${ORIGIN}${path}?market=uk`,
			price: (gbp / 100).toFixed(2),
			eligibleRegion: [{ "@type": "Country", name: "GB" }],
		});
		expect(byCurrency.EUR.eligibleRegion).toContainEqual({ "@type": "Country", name: "DE" });

		// Category pages too.
		const category = product.breadcrumbs.at(-1)?.slug;
		const listing = await html(await fromCountry(`/categories/${category}`, "GB"));
		expect(listing).toContain(`hreflang="en-GB"`);
		expect(listing).toContain(`<link rel="canonical" href="${ORIGIN}/categories/${category}?market=uk"/>`);
	});

	it("a signed-in shopper's choice is the account's: another browser takes it up at sign-in, cart and all", async () => {
		const s = await signUp("Una Kingdom");
		const v = await freshVariant(20, ["USD", "GBP"]);
		await post(s.jar, "/market", { market: "uk" });
		// The cart is in dollars again (as if changed elsewhere) before the next sign-in.
		await addToCart(s, v.id, 1);
		const usd = await core().request("PUT", "/cart/currency", {
			caller: s.caller,
			body: JSON.stringify({ currency: "USD" }),
		});
		expect(usd.status).toBe(200);

		const other = new Jar();
		const form = await get(other, "/account/login");
		const done = await post(other, "/account/login", {
			email: s.email,
			password: "correct horse battery",
			csrf: csrfOf(form.html),
		});
		expect(done.res.status).toBe(303);
		expect(other.cookies.get("__Host-bazaar_market")).toBe("uk");
		const cart = await edgeJson<{ currency: string; lines: unknown[] }>("/api/cart", { headers: other.header() });
		expect(cart.body.currency).toBe("GBP");
		expect(cart.body.lines).toHaveLength(1);
	});

	it("the markets are public JSON", async () => {
		const { res, body } = await edgeJson("/api/catalog/markets");
		expect(res.status).toBe(200);
		expect(body).toEqual(DEFAULT_MARKETS);
	});

	it("an API client names its market: ?market= lists in its currency; an unknown one or a clash is a 400", async () => {
		const eu = await edgeJson("/api/catalog/products?market=eu&limit=10");
		expect(eu.res.status).toBe(200);
		const items = ProductList.parse(eu.body).items;
		expect(items.length).toBeGreaterThan(0);
		expect(items.every((p) => p.price.currency === "EUR")).toBe(true);
		const same = await edgeJson("/api/catalog/products?currency=EUR&limit=10");
		expect(ProductList.parse(same.body).items.map((p) => p.id)).toEqual(items.map((p) => p.id));
		for (const bad of ["market=zz", "market=eu&currency=USD", "market=EU%00"]) {
			const res = await edge(`/api/catalog/products?${bad}`);
			expect(res.status, bad).toBe(400);
			expect(res.headers.get("content-type")).toBe("application/problem+json");
		}
		const search = await edgeJson("/api/catalog/search?q=a&market=uk&limit=5");
		expect(search.res.status).toBe(200);
		expect(ProductList.parse(search.body).items.every((p) => p.price.currency === "GBP")).toBe(true);
	});
});

describe("buying in a market", () => {
	it("switching market re-prices the cart; an order is placed, paid and refunded in EUR", async () => {
		const s = await signUp("Euro Buyer");
		const v = await freshVariant(20, ["USD", "EUR"]);
		const { body: product } = await edgeJson<Product>(`/api/catalog/products/${v.slug}`);
		const variant = product.variants.find((x) => x.id === v.id);
		const eur = variant?.prices.find((p) => p.currency === "EUR")?.amount;
		const usd = variant?.prices.find((p) => p.currency === "USD")?.amount;
		expect(eur).toBeTypeOf("number");

		// Added in the US market, then the shopper moves to the Eurozone: the cart follows.
		await post(s.jar, "/market", { market: "us" });
		const added = await post(s.jar, "/cart/add", { variantId: v.id, quantity: "2", market: "us" });
		expect(added.res.status).toBe(303);
		const inUsd = await edgeJson<{ currency: string; subtotal: { amount: number } }>("/api/cart", {
			headers: s.jar.header(),
		});
		expect(inUsd.body).toMatchObject({ currency: "USD", subtotal: { amount: (usd as number) * 2 } });
		await post(s.jar, "/market", { market: "eu" }, { referer: `${ORIGIN}/cart` });
		const cart = await get(s.jar, "/cart");
		expect(selectedMarket(cart.html)).toBe("eu");
		const inEur = await edgeJson<{ currency: string; subtotal: { amount: number; currency: string } }>("/api/cart", {
			headers: s.jar.header(),
		});
		expect(inEur.body.subtotal).toEqual({ amount: (eur as number) * 2, currency: "EUR" });

		const berlin = {
			...ADDRESS,
			line1: "Unter den Linden 1",
			city: "Berlin",
			region: "",
			postalCode: "10117",
			country: "DE",
		};
		const review = await toReview(s, "standard", berlin);
		expect(review.html).toMatch(/data-testid="total">€[\d,.]+</);
		const placed = await post(s.jar, "/checkout/place", review.place);
		expect(placed.res.status).toBe(303);
		const back = await pay(s, placed.res.headers.get("location") ?? "", "approve");
		const orderId = orderIdIn(back);
		await eventually(async () => ((await coreOrder(s, orderId)).order?.status === "paid" ? true : undefined), "paid");

		const token = await signIn();
		const admin = await adminHeaders(token);
		const order = (await (await edge(`/api/admin/orders/${orderId}`, { headers: admin })).json()) as {
			currency: string;
			subtotal: number;
			total: number;
			taxRateBp: number;
		};
		expect(order).toMatchObject({ currency: "EUR", subtotal: (eur as number) * 2 });
		// German VAT, from the destination.
		expect(order.taxRateBp).toBe(1900);
		const page = await get(s.jar, `/account/orders/${orderId}`);
		expect(page.html).toMatch(/€[\d,.]+/);
		expect(page.html).not.toMatch(/\$\d/);

		const refund = await edge(`/api/admin/orders/${orderId}/refund`, {
			method: "POST",
			headers: { ...admin, "idempotency-key": `eur-refund-${orderId}` },
			body: JSON.stringify({ amount: 100, reason: "scratched", currency: "EUR" }),
		});
		expect(refund.status, await refund.clone().text()).toBe(202);
		const payments = await eventually(async () => {
			const res = await edge(`/api/admin/payment/orders/${orderId}/payments`, { headers: admin });
			const { items } = (await res.json()) as {
				items: { amount: { amount: number; currency: string }; refundedAmount: number; status: string }[];
			};
			return items[0]?.refundedAmount === 100 ? items : undefined;
		}, "refund recorded");
		expect(payments[0]).toMatchObject({
			status: "partially_refunded",
			amount: { amount: order.total, currency: "EUR" },
		});
		// A refund in another currency than the order's is refused.
		const wrong = await edge(`/api/admin/orders/${orderId}/refund`, {
			method: "POST",
			headers: { ...admin, "idempotency-key": `usd-refund-${orderId}` },
			body: JSON.stringify({ amount: 100, reason: "wrong currency", currency: "USD" }),
		});
		expect(wrong.status).toBe(422);
	}, 60_000);
});

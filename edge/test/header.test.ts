import { describe, expect, it } from "vitest";
import { api, get, Jar, makeProduct, postForm, SESSION_COOKIE, signUp } from "./cart-fixtures";
import { edge, ORIGIN } from "./helpers";

// The header's personal bits: catalog pages are cached for everyone, so they carry placeholders
// ("Sign in", an empty cart badge) and one external script, /assets/header.js, that fills them
// from GET /api/me. Personal pages use the same header.

// JSON-LD blocks are data, never run (the CSP's script-src does not apply to them): not scripts here.
const scriptsOf = (html: string) =>
	[...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].filter(
		(m) => !m[0].startsWith('<script type="application/ld+json">'),
	);

function expectOnlyOurScript(html: string) {
	const scripts = scriptsOf(html);
	// header.js, and the support chat's launcher (a module: it runs after the page is parsed).
	expect(scripts).toHaveLength(2);
	const [[header, inline], [widget, widgetInline]] = scripts as [RegExpExecArray, RegExpExecArray];
	expect(header).toMatch(/^<script src="\/assets\/header\.js\?v=[0-9a-f]{8}" defer=""><\/script>$/);
	expect(inline).toBe("");
	expect(widget).toMatch(/^<script type="module" src="\/assets\/support-widget\.js\?v=[0-9a-f]{8}"><\/script>$/);
	expect(widgetInline).toBe("");
}

function expectCsp(res: Response) {
	const directives = new Map(
		(res.headers.get("content-security-policy") ?? "").split(";").map((d) => {
			const [name, ...values] = d.trim().split(/\s+/);
			return [name, values.join(" ")] as const;
		}),
	);
	expect(directives.get("default-src")).toBe("'none'");
	// Our own script file only: no inline script, no eval, nothing from elsewhere; it may call only us.
	expect(directives.get("script-src")).toBe("'self'");
	// Its own WebSocket origin named too (the chat's rooms), for browsers older than CSP 3's 'self'.
	expect(directives.get("connect-src")).toBe("'self' wss://shop.example");
}

describe("header.js", () => {
	it("is served as JavaScript: the versioned URL cached for a year, any other briefly", async () => {
		const home = await (await edge("/")).text();
		const src = /<script src="([^"]+)"/.exec(home)![1]!;
		const res = await edge(src);
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
		expect(res.headers.get("x-content-type-options")).toBe("nosniff");
		expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
		const body = await res.text();
		expect(body).toContain('fetch("/api/me"');
		expect(body).toContain("[data-cart-count]");
		expect(body).not.toContain("innerHTML");

		const plain = await edge("/assets/header.js");
		expect(plain.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
		expect(plain.headers.get("cache-control")).toBe("public, max-age=300");
		expect(await plain.text()).toBe(body);
		const stale = await edge("/assets/header.js?v=00000000");
		expect(stale.headers.get("cache-control")).toBe("public, max-age=300");

		const etag = res.headers.get("etag")!;
		expect((await edge(src, { headers: { "if-none-match": etag } })).status).toBe(304);
		expect((await edge("/assets/nothing.js")).status).toBe(404);
	});
});

describe("catalog pages", () => {
	it("carry the placeholders, only our external script, and a CSP that allows just that", async () => {
		const { product } = await makeProduct([3]);
		for (const path of ["/", `/products/${product.slug}`, "/search?q=lamp"]) {
			const res = await edge(path);
			const html = await res.text();
			expect(res.status, path).toBe(200);
			expectCsp(res);
			expectOnlyOurScript(html);
			expect(html).toContain('<a href="/account" data-account="">Sign in</a>');
			expect(html).toMatch(
				/<a href="\/cart" class="cart-link">Cart <span class="count" data-cart-count="" hidden=""><\/span><\/a>/,
			);
		}
	});

	it("never contain a shopper's name or count, and are the same bytes for everyone", async () => {
		const { product, variants } = await makeProduct([5]);
		const jar = new Jar();
		await signUp(jar, "Zebulon Quartermaine");
		await postForm(jar, "/cart/add", { variantId: variants[0]!, quantity: "2" });
		expect((await api(jar, "GET", "/api/me")).body).toEqual({
			user: { name: "Zebulon Quartermaine" },
			cart: { count: 2 },
		});

		for (const path of ["/", `/products/${product.slug}`]) {
			const anonymous = await edge(path);
			const anonymousHtml = await anonymous.text();
			const mine = await get(jar, path);
			expect(mine.res.status).toBe(200);
			expect(mine.html).not.toContain("Zebulon");
			expect(mine.html).not.toContain('data-cart-count="">2');
			expect(mine.res.headers.get("set-cookie")).toBeNull();
			expect(mine.res.headers.get("etag")).toBe(anonymous.headers.get("etag"));
			expect(mine.html).toBe(anonymousHtml);
		}
	});
});

describe("GET /api/me", () => {
	it("answers an anonymous visitor without a cart: no user, count 0, never stored by a cache", async () => {
		const res = await edge("/api/me");
		expect(res.status).toBe(200);
		expect(res.headers.get("cache-control")).toBe("no-store, private");
		expect(res.headers.get("content-type")).toMatch(/^application\/json/);
		expect(await res.json()).toEqual({ user: null, cart: { count: 0 } });
	});

	it("counts a guest's units, and names a signed-in shopper (cookie or bearer)", async () => {
		const { variants } = await makeProduct([10, 10]);
		const jar = new Jar();
		await postForm(jar, "/cart/add", { variantId: variants[0]!, quantity: "3" });
		await postForm(jar, "/cart/add", { variantId: variants[1]!, quantity: "1" });
		expect((await api(jar, "GET", "/api/me")).body).toEqual({ user: null, cart: { count: 4 } });

		await signUp(jar, "Nadia <b>Bold</b>");
		const me = await api(jar, "GET", "/api/me");
		expect(me.res.headers.get("cache-control")).toBe("no-store, private");
		// The name is data for textContent, returned as typed.
		expect(me.body).toEqual({ user: { name: "Nadia <b>Bold</b>" }, cart: { count: 4 } });

		const bearer = await edge("/api/me", {
			headers: { authorization: `Bearer ${jar.cookies.get(SESSION_COOKIE)}` },
		});
		expect(await bearer.json()).toEqual({ user: { name: "Nadia <b>Bold</b>" }, cart: { count: 4 } });
	});

	it("treats forged session and cart cookies as an anonymous visitor without a cart", async () => {
		const jar = new Jar();
		jar.cookies.set(SESSION_COOKIE, "A".repeat(43));
		jar.cookies.set("__Host-bazaar_cart", "not-a-token");
		const { res, body } = await api(jar, "GET", "/api/me");
		expect(res.status).toBe(200);
		expect(body).toEqual({ user: null, cart: { count: 0 } });
	});
});

describe("personal pages", () => {
	it("use the same header and CSP", async () => {
		const jar = new Jar();
		for (const path of ["/cart", "/account/login"]) {
			const { res, html } = await get(jar, path);
			expect(res.status, path).toBe(200);
			expect(res.headers.get("cache-control")).toBe("no-store");
			expectCsp(res);
			expectOnlyOurScript(html);
			expect(html).toContain('href="/cart"');
		}
		// The form on a personal page still posts only here.
		const csp = (await edge("/cart")).headers.get("content-security-policy")!;
		expect(csp).toContain("form-action 'self'");
		expect(ORIGIN).toBe("https://shop.example");
	});
});

import { CategoryList, Product } from "@bazaar/contracts";
import { SkuStock } from "@bazaar/contracts/inventory";
import { beforeAll, describe, expect, it } from "vitest";
import { csrfOf, get, post, type StaffBrowser, staffBrowser, submit } from "./console-support";
import { core, edgeJson } from "./helpers";

// The admin console at /admin: who may open which page, CSRF on its forms, and the catalog and
// stock forms doing their work through the admin API against the real core.

const ADMIN_CALLER = { user: "usr_console_test", roles: ["admin"] };
const h1 = (html: string) => /<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1];

let catalogManager: StaffBrowser;
let supportAgent: StaffBrowser;
let customer: StaffBrowser;
let categoryId: string;

beforeAll(async () => {
	[catalogManager, supportAgent, customer] = await Promise.all([
		staffBrowser(["catalog_manager"]),
		staffBrowser(["support_agent"]),
		staffBrowser(["customer"]),
	]);
	const { body } = await edgeJson("/api/catalog/categories");
	categoryId = CategoryList.parse(body).items[0]!.id;
});

describe("console access", () => {
	it("sends a signed-out visitor to the sign-in page, and back afterwards", async () => {
		const { res } = await get(new (await import("./browser")).Jar(), "/admin/products/new?x=1");
		expect(res.status).toBe(303);
		expect(res.headers.get("location")).toBe(`/account/login?next=${encodeURIComponent("/admin/products/new?x=1")}`);
	});

	it("answers a customer with a 403 page, not a broken one", async () => {
		for (const path of ["/admin", "/admin/products/new", "/admin/stock"]) {
			const { res, html } = await get(customer.jar, path);
			expect(res.status, path).toBe(403);
			expect(res.headers.get("content-type")).toContain("text/html");
			expect(h1(html)).toBe("You cannot open this page");
			expect(html).toContain('href="/"');
			expect(html).not.toContain('class="console-nav"');
		}
	});

	it("shows each role only its sections, and a 403 page for the rest", async () => {
		const manager = await get(catalogManager.jar, "/admin");
		expect(manager.res.status).toBe(200);
		expect(manager.res.headers.get("content-security-policy")).toContain("script-src 'self'");
		expect(manager.res.headers.get("cache-control")).toBe("no-store");
		expect(manager.html).toContain('href="/admin/products"');
		expect(manager.html).toContain('href="/admin/stock"');
		expect(manager.html).not.toContain('href="/admin/orders"');
		expect(manager.html).not.toContain('href="/support"');

		const agent = await get(supportAgent.jar, "/admin");
		expect(agent.res.status).toBe(200);
		expect(agent.html).toContain('href="/admin/orders"');
		expect(agent.html).toContain('href="/admin/customers"');
		expect(agent.html).toContain('href="/support"');
		expect(agent.html).not.toContain('href="/admin/products"');
		for (const path of ["/admin/products/new", "/admin/stock", "/admin/stock/ANY-SKU", "/admin/categories"]) {
			const { res, html } = await get(supportAgent.jar, path);
			expect(res.status, path).toBe(403);
			expect(h1(html)).toBe("You cannot open this page");
			expect(html).toContain('href="/admin"');
		}
	});

	it("opens every section to an admin, and the reviews to a moderator only there", async () => {
		const [owner, moderator] = await Promise.all([staffBrowser(["admin"]), staffBrowser(["moderator"])]);
		for (const path of [
			"/admin",
			"/admin/products/new",
			"/admin/categories",
			"/admin/stock",
			"/admin/promotions",
			"/admin/reviews",
			"/admin/operations",
		]) {
			const { res, html } = await get(owner.jar, path);
			expect(res.status, `${path}: ${html.slice(0, 300)}`).toBe(200);
			expect(html).toContain('aria-current="page"');
		}
		const queue = await get(moderator.jar, "/admin/reviews?filter=reported");
		expect(queue.res.status).toBe(200);
		for (const path of ["/admin/promotions", "/admin/operations", "/admin/stock", "/admin/products/new"]) {
			expect((await get(moderator.jar, path)).res.status, path).toBe(403);
		}
		for (const path of ["/admin/operations", "/admin/promotions", "/admin/reviews"]) {
			expect((await get(supportAgent.jar, path)).res.status, path).toBe(403);
		}
	});

	it("refuses a role's write it may not make, and changes nothing", async () => {
		const page = await get(supportAgent.jar, "/admin");
		const slug = `agent-made-${Date.now()}`;
		const { res } = await post(supportAgent.jar, "/admin/products/new", {
			csrf: csrfOf(page.html),
			kind: "physical",
			title: "Agent's product",
			slug,
			categoryId,
			"variant.sku": `AGENT-${Date.now()}`,
			"price.USD": "1.00",
		});
		expect(res.status).toBe(403);
		const lookup = await core().request("GET", `/catalog/products/${slug}`, { caller: { user: "", roles: [] } });
		expect(lookup.status).toBe(404);
	});
});

describe("console forms: CSRF", () => {
	it("refuses a form without the session's token, with another token, or from another site", async () => {
		const slug = `csrf-${Date.now()}`;
		const fields = {
			kind: "physical",
			title: "Forged",
			slug,
			categoryId,
			"variant.sku": `FORGED-${Date.now()}`,
			"price.USD": "1.00",
		};
		const page = await get(catalogManager.jar, "/admin/products/new");
		const other = await get(supportAgent.jar, "/admin");
		for (const [extra, headers] of [
			[{}, {}],
			[{ csrf: csrfOf(other.html) }, {}],
			[{ csrf: "x".repeat(43) }, {}],
			[{ csrf: csrfOf(page.html) }, { origin: "https://evil.example" }],
		] as [Record<string, string>, Record<string, string>][]) {
			const { res, html } = await post(catalogManager.jar, "/admin/products/new", { ...fields, ...extra }, headers);
			expect(res.status).toBe(403);
			expect(res.headers.get("content-type")).toContain("text/html");
			expect(html).toContain("<h1");
		}
		for (const path of [
			"/admin/categories",
			"/admin/stock/ANY/receive",
			"/admin/products/prod_01ABC/archive",
			"/admin/promotions/activities",
		]) {
			const { res } = await post(catalogManager.jar, path, { name: "x", quantity: "1" });
			expect(res.status, path).toBe(403);
		}
		const lookup = await core().request("GET", `/catalog/products/${slug}`, { caller: { user: "", roles: [] } });
		expect(lookup.status).toBe(404);
	});
});

describe("console catalog and stock", () => {
	it("lets a catalog manager create a product, edit it and its variants, receive stock and archive it", async () => {
		const stamp = Date.now();
		const sku = `CONSOLE-${stamp}`;
		const created = await submit(catalogManager, "/admin/products/new", "/admin/products/new", {
			kind: "physical",
			title: `Console lamp ${stamp}`,
			description: "A lamp made through the console.",
			brand: "Bazaar",
			categoryId,
			status: "active",
			attributes: "colour: red, blue\nmaterial: brass",
			"variant.sku": sku,
			"variant.title": "Red",
			"variant.options": "Colour: Red",
			"variant.weightGrams": "900",
			"price.USD": "49.50",
			"price.EUR": "45",
		});
		expect(created.res.status, created.html.slice(0, 2000)).toBe(303);
		const location = created.res.headers.get("location")!;
		expect(location).toMatch(/^\/admin\/products\/prod_[0-9A-Z]+\?done=created$/);
		const id = /prod_[0-9A-Z]+/.exec(location)![0];
		const edit = await get(catalogManager.jar, location);
		expect(edit.res.status).toBe(200);
		expect(edit.html).toContain("The product was created.");
		expect(edit.res.headers.get("content-security-policy")).toContain("img-src 'self' blob:");

		const stored = Product.parse(
			await (await core().request("GET", `/catalog/admin/products/${id}`, { caller: ADMIN_CALLER })).json(),
		);
		expect(stored.attributes).toEqual({ colour: ["blue", "red"], material: ["brass"] });
		expect(stored.variants[0]!.prices).toEqual(
			expect.arrayContaining([
				{ amount: 4950, currency: "USD" },
				{ amount: 4500, currency: "EUR" },
			]),
		);

		const renamed = await post(catalogManager.jar, `/admin/products/${id}`, {
			csrf: csrfOf(edit.html),
			title: `Console lamp ${stamp} (renamed)`,
			categoryId,
			status: "active",
			description: "Still a lamp.",
		});
		expect(renamed.res.status, renamed.html.slice(0, 2000)).toBe(303);
		const variant = stored.variants[0]!;
		const repriced = await post(catalogManager.jar, `/admin/products/${id}/variants/${variant.id}`, {
			csrf: csrfOf(edit.html),
			"variant.title": "Red",
			"price.USD": "39.00",
			"variant.inStock": "on",
		});
		expect(repriced.res.status, repriced.html.slice(0, 2000)).toBe(303);
		const added = await post(catalogManager.jar, `/admin/products/${id}/variants`, {
			csrf: csrfOf(edit.html),
			"variant.sku": `${sku}-B`,
			"variant.title": "Blue",
			"price.USD": "41.00",
		});
		expect(added.res.status, added.html.slice(0, 2000)).toBe(303);
		const after = Product.parse(
			await (await core().request("GET", `/catalog/admin/products/${id}`, { caller: ADMIN_CALLER })).json(),
		);
		expect(after.title).toBe(`Console lamp ${stamp} (renamed)`);
		expect(after.variants.find((v) => v.id === variant.id)!.prices).toEqual([{ amount: 3900, currency: "USD" }]);
		expect(after.variants.map((v) => v.sku).sort()).toEqual([sku, `${sku}-B`].sort());

		// A price the form cannot read, and a field the core refuses, come back next to the form.
		const badPrice = await post(catalogManager.jar, `/admin/products/${id}/variants/${variant.id}`, {
			csrf: csrfOf(edit.html),
			"price.USD": "12.345",
		});
		expect(badPrice.res.status).toBe(422);
		expect(badPrice.html).toContain("price.USD");
		const badSlug = await post(catalogManager.jar, `/admin/products/${id}`, {
			csrf: csrfOf(edit.html),
			title: "x",
			slug: "Not A Slug",
			categoryId,
		});
		expect(badSlug.res.status).toBe(422);
		expect(badSlug.html).toContain('role="alert"');

		const unknown = await get(catalogManager.jar, `/admin/stock/${sku}`);
		expect(unknown.html).toContain("No stock recorded for this SKU yet.");
		const defined = await post(catalogManager.jar, `/admin/stock/${sku}/define`, {
			csrf: csrfOf(unknown.html),
			policy: "tracked",
		});
		expect(defined.res.status, defined.html.slice(0, 2000)).toBe(303);
		const received = await submit(catalogManager, `/admin/stock/${sku}`, `/admin/stock/${sku}/receive`, {
			quantity: "12",
			reason: "PO-1",
		});
		expect(received.res.status, received.html.slice(0, 2000)).toBe(303);
		const adjusted = await submit(catalogManager, `/admin/stock/${sku}`, `/admin/stock/${sku}/adjust`, {
			delta: "-2",
			reason: "damaged in the store",
		});
		expect(adjusted.res.status, adjusted.html.slice(0, 2000)).toBe(303);
		const stock = SkuStock.parse(
			await (await core().request("GET", `/inventory/admin/skus/${sku}`, { caller: ADMIN_CALLER })).json(),
		);
		expect(stock.rows[0]!.available).toBe(10);
		const ledger = await get(catalogManager.jar, `/admin/stock/${sku}`);
		expect(ledger.html).toContain("damaged in the store");
		expect(ledger.html).toContain("PO-1");
		const noReason = await post(catalogManager.jar, `/admin/stock/${sku}/adjust`, {
			csrf: csrfOf(ledger.html),
			delta: "-1",
		});
		expect(noReason.res.status).toBe(422);

		const listed = await get(catalogManager.jar, `/admin/products?q=${encodeURIComponent(`Console lamp ${stamp}`)}`);
		expect(listed.res.status, listed.html.slice(0, 1000)).toBe(200);
		expect(listed.html).toContain(`href="/admin/products/${id}"`);
		const archived = await post(catalogManager.jar, `/admin/products/${id}/archive`, { csrf: csrfOf(edit.html) });
		expect(archived.res.status).toBe(303);
		const gone = Product.parse(
			await (await core().request("GET", `/catalog/admin/products/${id}`, { caller: ADMIN_CALLER })).json(),
		);
		expect(gone.status).toBe("archived");
		const archivedList = await get(
			catalogManager.jar,
			`/admin/products?status=archived&q=${encodeURIComponent(`Console lamp ${stamp}`)}`,
		);
		expect(archivedList.html).toContain(`href="/admin/products/${id}"`);
		const activeList = await get(
			catalogManager.jar,
			`/admin/products?status=active&q=${encodeURIComponent(`Console lamp ${stamp}`)}`,
		);
		expect(activeList.html).not.toContain(`href="/admin/products/${id}"`);
	});
});

describe("console: a booked service's cut-off", () => {
	it("is set on the product form (cancelCutoffHours), kept by the core and shown on the edit page", async () => {
		const stamp = Date.now();
		const created = await submit(catalogManager, "/admin/products/new", "/admin/products/new", {
			kind: "service",
			title: `Console haircut ${stamp}`,
			categoryId,
			status: "active",
			"service.durationMinutes": "60",
			"service.billing": "one_time",
			"service.booking": "appointment",
			"service.cancelCutoffHours": "6",
			"variant.sku": `CUT-${stamp}`,
			"price.USD": "30",
		});
		expect(created.res.status, created.html.slice(0, 2000)).toBe(303);
		const location = created.res.headers.get("location")!;
		const edit = await get(catalogManager.jar, location);
		expect(edit.html).toMatch(
			/name="service.cancelCutoffHours"[^>]*value="6"|value="6"[^>]*name="service.cancelCutoffHours"/,
		);
		const id = /prod_[0-9A-Z]+/.exec(location)![0];
		const product = await core().request("GET", `/catalog/admin/products/${id}`, { caller: ADMIN_CALLER });
		expect(((await product.json()) as { service: { cancelCutoffHours?: number } }).service.cancelCutoffHours).toBe(6);
	});
});

import { MailList } from "@bazaar/contracts/identity";
import { describe, expect, it } from "vitest";
import { api } from "./cart-fixtures";
import { adminApi, b64, digitalProduct, PDF } from "./digital-fixtures";
import { adminHeaders, core } from "./helpers";
import { eventually, fieldOf, freshVariant, get, hiddenFields, Jar, pay, post } from "./shopper";

// A cart with nothing to ship through the Worker against the real core: the HTML checkout asks a
// guest only for an email, a name and a country (no address, no shipping step), the tax follows
// the country, the paid order's one mail carries the download link and the licence key; the JSON
// API takes `billing` instead of an address; bad input is a 4xx problem.

const guestEmail = () => `digital-${Date.now()}-${Math.floor(Math.random() * 1e9)}@example.com`;

/** An ebook with its file and a licence key with one key in its pool, ready to sell. */
async function digitalGoods() {
	const headers = await adminHeaders();
	const book = await digitalProduct("download");
	const upload = { fileName: "Guest Book.pdf", contentType: "application/pdf", dataBase64: b64(PDF) };
	expect((await adminApi(`/variants/${book.id}/file`, "PUT", upload, headers)).status).toBe(200);
	const app = await digitalProduct("license_key");
	const key = `GUEST-${Date.now()}`;
	expect((await adminApi(`/variants/${app.id}/keys`, "POST", { keys: [key] }, headers)).status).toBe(201);
	return { book, app, key };
}

async function guestCart(variantIds: string[]): Promise<Jar> {
	const jar = new Jar();
	for (const variantId of variantIds) {
		const added = await api(jar, "POST", "/api/cart/lines", { variantId, quantity: 1 });
		expect(added.res.status).toBe(200);
	}
	return jar;
}

describe("a cart with nothing to ship, in the HTML checkout", () => {
	it("asks a guest only for email, name and country, skips shipping, and mails one confirmation with the link and key", async () => {
		const { book, app, key } = await digitalGoods();
		const jar = await guestCart([book.id, app.id]);
		const email = guestEmail();

		const start = await get(jar, "/checkout");
		expect(start.res.status).toBe(200);
		expect(start.html).toContain('data-testid="billing-form"');
		expect(start.html).toContain("Checking out as a guest");
		expect(start.html).not.toContain('name="line1"');
		expect(start.html).not.toContain("Shipping</li>");
		const csrf = fieldOf(start.html, "csrf");
		const details = { csrf, destination: "billing", email, name: "Gus Reader" };

		// A country that is not one, or no email: the same form again, the field marked.
		const bad = await post(jar, "/checkout/review", { ...details, country: "Germany" });
		expect(bad.res.status).toBe(422);
		expect(bad.html).toContain('id="country-error"');
		expect(bad.html).toContain('data-testid="billing-form"');
		const noEmail = await post(jar, "/checkout/review", { ...details, email: "", country: "DE" });
		expect(noEmail.res.status).toBe(422);
		expect(noEmail.html).toContain('id="email-error"');

		const review = await post(jar, "/checkout/review", { ...details, country: "de" });
		expect(review.res.status).toBe(200);
		expect(review.html).toContain('data-testid="billed-to"');
		expect(review.html).toContain('data-testid="nothing-ships"');
		expect(review.html).not.toContain('data-testid="shipping-method"');
		// German VAT on 2 × 9.00, no shipping line.
		expect(review.html).toContain("Tax (19.00 %)");
		expect(review.html).toContain('data-testid="total">$21.42<');
		expect(review.html).not.toContain('data-testid="shipping"');
		const place = hiddenFields(review.html, "/checkout/place");
		expect(place.shippingMethod).toBeUndefined();
		expect(place.country).toBe("DE");
		const placed = await post(jar, "/checkout/place", place);
		expect(placed.res.status).toBe(303);
		const back = await pay({ jar }, placed.res.headers.get("location") ?? "", "approve");
		const orderId = /\/(ord_[0-9A-Z]{26})$/.exec(back.pathname)?.[1] ?? "";
		const confirmation = await eventually(async () => {
			const page = await get(jar, `${back.pathname}${back.search}`);
			return page.html.includes("Thank you, order paid") ? page : undefined;
		}, "the order paid");
		expect(confirmation.html).toContain('data-testid="billed-to"');

		// One mail about the order: the confirmation, with the guest link, the download link and the key.
		const mail = await eventually(async () => {
			const list = await core().json(MailList, "GET", `/identity/dev/mail?to=${encodeURIComponent(email)}&limit=20`);
			return list.items.some((m) => m.text.includes("/downloads/")) ? list.items : undefined;
		}, "the confirmation with its links");
		await new Promise((r) => setTimeout(r, 300));
		const all = await core().json(MailList, "GET", `/identity/dev/mail?to=${encodeURIComponent(email)}&limit=20`);
		expect(all.items.filter((m) => m.text.includes(orderId))).toHaveLength(1);
		const text = mail.find((m) => m.text.includes(orderId))?.text ?? "";
		expect(text).toContain(key);
		const link = /https:\/\/shop\.example(\/orders\/guest\/ord_[0-9A-Z]{26}\?key=[A-Za-z0-9_-]+)/.exec(text)?.[1];
		expect(link).toBeDefined();
		const opened = await eventually(async () => {
			const page = await get(new Jar(), link as string);
			return page.html.includes('data-status="delivered"') ? page : undefined;
		}, "the order delivered");
		expect(opened.html).toContain('data-testid="billed-to"');
		expect(opened.html).toContain('data-testid="nothing-ships"');
		expect(opened.html).toContain(`<code>${key}</code>`);
		expect(opened.html).toMatch(/href="\/downloads\/[^"]+"/);
	}, 60_000);

	it("a cart that ships still asks for the address and the method", async () => {
		const v = await freshVariant();
		const jar = await guestCart([v.id]);
		const start = await get(jar, "/checkout");
		expect(start.html).toContain('name="line1"');
		expect(start.html).not.toContain('data-testid="billing-form"');
		// A forged billing-only form for it: the core wants an address (422), the address form comes back.
		const csrf = fieldOf(start.html, "csrf");
		const forged = await post(jar, "/checkout/review", {
			csrf,
			destination: "billing",
			email: guestEmail(),
			name: "Gus",
			country: "DE",
		});
		expect(forged.res.status).toBe(422);
		expect(forged.html).toContain('name="line1"');
	});
});

describe("a cart with nothing to ship, in the JSON API", () => {
	it("quotes and places with billing only; bad destinations are 4xx problems", async () => {
		const { book } = await digitalGoods();
		const jar = await guestCart([book.id]);
		const email = guestEmail();

		const quote = await api(jar, "POST", "/api/checkout/quote", { billing: { name: "Jo", country: "DE" } });
		expect(quote.res.status).toBe(200);
		expect(quote.body).toMatchObject({ ships: false, address: null, options: [], billing: { country: "DE" } });
		expect((quote.body as { due: { taxRateBp: number; shipping: number } }).due).toMatchObject({
			taxRateBp: 1900,
			shipping: 0,
		});

		const key = crypto.randomUUID();
		const bad = [
			{ billing: { name: "Jo" }, email },
			{ billing: { name: "Jo", country: "DE" }, address: { name: "Jo" }, email },
			{ email },
		];
		for (const body of bad) {
			const res = await api(jar, "POST", "/api/checkout", body, { "idempotency-key": key });
			expect(res.res.status).toBe(400);
			expect(res.res.headers.get("content-type")).toContain("application/problem+json");
		}

		const placed = await api(
			jar,
			"POST",
			"/api/checkout",
			{ billing: { name: "Jo Reader", country: "DE" }, email },
			{ "idempotency-key": key },
		);
		expect(placed.res.status).toBe(201);
		expect((placed.body as { order: unknown }).order).toMatchObject({
			address: null,
			shippingMethod: null,
			billing: { name: "Jo Reader", country: "DE" },
			shippingAmount: 0,
			taxRateBp: 1900,
		});

		// Something that ships: billing alone is a 422 naming the address.
		const v = await freshVariant();
		const shipping = await guestCart([v.id]);
		const refused = await api(
			shipping,
			"POST",
			"/api/checkout",
			{ billing: { name: "Jo", country: "DE" }, email },
			{ "idempotency-key": crypto.randomUUID() },
		);
		expect(refused.res.status).toBe(422);
		expect(refused.res.headers.get("content-type")).toContain("application/problem+json");
		expect((refused.body as { errors: { path: string }[] }).errors[0]?.path).toBe("address");
	}, 60_000);
});

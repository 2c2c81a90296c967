import { describe, expect, it } from "vitest";
import { gatewayFormCsp, STRIPE_PAY_CSP } from "../src/checkout/csp";
import { STRIPE_PAY_SCRIPT_URL } from "../src/checkout/stripe-pay-script";
import { renderHtml } from "../src/lib/html";
import { PERSONAL_CSP } from "../src/lib/personal-page";
import { withOwnSocketOrigin } from "../src/lib/security-headers";
import { PayPage } from "../src/views/checkout-pay";
import { core, edge, ORIGIN } from "./helpers";
import {
	addToCart,
	coreOrder,
	coreOrders,
	eventually,
	fieldOf,
	freshVariant,
	get,
	hiddenFields,
	Jar,
	post,
	type Shopper,
	signUp,
} from "./shopper";

// As served: the Worker names the host's own WebSocket origin beside connect-src 'self' (the chat).
const SERVED_PERSONAL_CSP = withOwnSocketOrigin(PERSONAL_CSP, new Request(ORIGIN));

// Choosing a gateway at the checkout, the Payment Element page, the per-page CSP and the return
// that settles the payment with the gateway's own answer, through the Worker against the real
// core. The test core has the sandbox only: the lists and the policies of a shop with Stripe and
// PayPal are checked on the edge's own functions, and in the browser test (e2e/gateway.test.ts).

const ADDRESS = {
	name: "Gia Gateway",
	line1: "2 Market Street",
	city: "San Francisco",
	region: "CA",
	postalCode: "94105",
	country: "US",
};

/** A signed-up shopper with a line in the cart, at the review page. */
async function atReview() {
	const s = await signUp("Gia Gateway");
	const v = await freshVariant();
	await addToCart(s, v.id, 1);
	const start = await get(s.jar, "/checkout");
	const shipping = await post(s.jar, "/checkout/shipping", {
		csrf: fieldOf(start.html, "csrf"),
		addressId: "new",
		...ADDRESS,
	});
	expect(shipping.res.status).toBe(200);
	const review = await post(s.jar, "/checkout/review", {
		...hiddenFields(shipping.html, "/checkout/review"),
		shippingMethod: "standard",
	});
	expect(review.res.status).toBe(200);
	return { s, variant: v, review, place: hiddenFields(review.html, "/checkout/place") };
}

/** Places the order; returns the sandbox page's path on the edge, the order id and the key. */
async function placed(s: Shopper, place: Record<string, string>) {
	const res = await post(s.jar, "/checkout/place", place);
	expect(res.res.status).toBe(303);
	const gateway = new URL(res.res.headers.get("location") ?? "", ORIGIN);
	expect(gateway.pathname).toMatch(/^\/sandbox-pay\/sbx_/);
	const orders = await coreOrders(s);
	return { gatewayPath: gateway.pathname, orderId: orders[0]?.id ?? "", key: place.idempotencyKey ?? "" };
}

/** Decides on the sandbox page through the edge; returns where it sends the shopper. */
async function decide(s: Shopper, gatewayPath: string, decision: "approve" | "decline") {
	const page = await get(s.jar, gatewayPath);
	const back = await post(s.jar, `${gatewayPath}/${decision}`, { csrf: fieldOf(page.html, "csrf") });
	expect(back.res.status).toBe(303);
	return new URL(back.res.headers.get("location") ?? "");
}

const payment = async (orderId: string) => {
	const res = await core().request("GET", `/payment/orders/${orderId}/payments`, {
		caller: { user: "usr_test_admin", roles: ["admin"] },
	});
	expect(res.status).toBe(200);
	return ((await res.json()) as { id: string; status: string; gateway: string }[]).at(-1);
};

describe("the gateways the core offers", () => {
	it("the test core has the sandbox only, its default; shoppers only", async () => {
		const s = await signUp();
		const res = await core().request("GET", "/checkout/gateways", { caller: s.caller });
		expect(res.status).toBe(200);
		const list = (await res.json()) as { items: { name: string; flow: string; origins: string[] }[]; default: string };
		expect(list.default).toBe("sandbox");
		expect(list.items).toEqual([
			{ name: "sandbox", label: "sandbox", flow: "redirect", publishableKey: null, origins: [] },
		]);
		expect((await core().request("GET", "/checkout/gateways", { caller: { user: "", roles: [] } })).status).toBe(401);
	});
});

describe("review page", () => {
	it("with the sandbox alone: no choice, and a policy that allows no other site", async () => {
		const { review, place } = await atReview();
		expect(review.html).not.toContain('name="gateway"');
		expect(place.gateway).toBeUndefined();
		expect(review.res.headers.get("content-security-policy")).toBe(SERVED_PERSONAL_CSP);
		expect(review.res.headers.get("cache-control")).toBe("no-store");
	});

	it("places with a gateway field; one that is not enabled or malformed is refused, nothing placed", async () => {
		const { s, place } = await atReview();
		const off = await post(s.jar, "/checkout/place", { ...place, gateway: "paypal" });
		expect(off.res.status).toBe(422);
		expect(off.html).toContain("paypal is not enabled");
		const bad = await post(s.jar, "/checkout/place", { ...place, gateway: "Robert'); DROP" });
		expect(bad.res.status).toBe(400);
		expect(await coreOrders(s)).toHaveLength(0);

		const { gatewayPath, orderId } = await placed(s, { ...place, gateway: "sandbox" });
		expect(gatewayPath).toMatch(/^\/sandbox-pay\//);
		expect((await payment(orderId))?.gateway).toBe("sandbox");
	});
});

describe("the Payment Element page", () => {
	it("is a 404 for an order paid at a redirect gateway, with no third-party origin in its policy", async () => {
		const { s, place } = await atReview();
		const { orderId, key } = await placed(s, place);
		const pay = await get(s.jar, `/checkout/pay/${orderId}?k=${encodeURIComponent(key)}`);
		expect(pay.res.status).toBe(404);
		expect(pay.res.headers.get("content-security-policy")).toBe(SERVED_PERSONAL_CSP);
		expect(pay.html).not.toContain("js.stripe.com");
		// Still one order, one payment attempt: the page only replayed the checkout.
		expect(await coreOrders(s)).toHaveLength(1);

		expect((await get(s.jar, `/checkout/pay/${orderId}`)).res.status).toBe(404);
		const other = await signUp("Mallory");
		const foreign = await get(other.jar, `/checkout/pay/${orderId}?k=${encodeURIComponent(key)}`);
		expect(foreign.res.status).toBe(404);
		expect(foreign.html).not.toContain(orderId);
		const guest = await get(new Jar(), `/checkout/pay/${orderId}?k=${encodeURIComponent(key)}`);
		expect(guest.res.status).toBe(303);
		expect(guest.res.headers.get("location")).toMatch(/^\/account\/login\?next=\/checkout\/pay\/ord_/);
	});

	const asHtml = (text: string) =>
		text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

	it("a key that did not place the order orders nothing from the cart (pay page and try again)", async () => {
		const { s, variant, place } = await atReview();
		const { orderId } = await placed(s, place);
		await addToCart(s, variant.id, 1);
		const stranger = crypto.randomUUID();
		expect((await get(s.jar, `/checkout/pay/${orderId}?k=${stranger}`)).res.status).toBe(404);
		const retry = await post(s.jar, `/checkout/retry/${orderId}`, {
			csrf: fieldOf((await get(s.jar, "/account")).html, "csrf"),
			idempotencyKey: stranger,
		});
		expect(retry.res.status).toBe(404);
		expect(await coreOrders(s)).toHaveLength(1);
		// The line is still in the cart (its title as the page writes it: `&` is `&amp;` there).
		expect((await get(s.jar, "/checkout")).html).toContain(asHtml(variant.title));
	});

	it("renders Stripe's script and ours from data attributes, no inline script, no card field of ours", async () => {
		const html = new TextDecoder().decode(
			await renderHtml(
				PayPage({
					order: {
						id: "ord_01HZZZZZZZZZZZZZZZZZZZZZZZ",
						total: 1250,
						currency: "USD",
					} as Parameters<typeof PayPage>[0]["order"],
					publishableKey: "pk_test_abc",
					clientSecret: 'pi_1_secret_2"><script>',
					returnUrl: `${ORIGIN}/checkout/return/ord_01HZZZZZZZZZZZZZZZZZZZZZZZ?k=key`,
					otherWayUrl: "/checkout/cancelled/ord_01HZZZZZZZZZZZZZZZZZZZZZZZ?k=key",
				}),
			),
		);
		expect(html).toContain('<script src="https://js.stripe.com/v3/"></script>');
		expect(html).toContain(`<script src="${STRIPE_PAY_SCRIPT_URL}"></script>`);
		expect(html).toContain('data-publishable-key="pk_test_abc"');
		// Attribute values are escaped: a value cannot open an element.
		expect(html).toContain('data-client-secret="pi_1_secret_2&quot;&gt;&lt;script&gt;"');
		expect(html).not.toMatch(/<script>/);
		expect(html).not.toMatch(/<input[^>]*name="(card|number|cvc|exp)/i);
	});

	it("its script is served from /assets, versioned and cached for a year", async () => {
		const res = await edge(STRIPE_PAY_SCRIPT_URL);
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
		expect(res.headers.get("cache-control")).toContain("immutable");
		const body = await res.text();
		expect(body).toContain("confirmPayment");
		expect(body).toContain('getAttribute("data-return-url")');
		expect((await edge("/assets/stripe-pay.js")).headers.get("cache-control")).toBe("public, max-age=300");
	});
});

describe("content security policies of a shop with Stripe and PayPal", () => {
	const list = {
		default: "sandbox",
		items: [
			{ name: "sandbox", label: "sandbox", flow: "redirect" as const, publishableKey: null, origins: [] },
			{
				name: "stripe_checkout",
				label: "Stripe Checkout",
				flow: "redirect" as const,
				publishableKey: null,
				origins: ["https://checkout.stripe.com"],
			},
			{
				name: "stripe",
				label: "Card (Stripe)",
				flow: "element" as const,
				publishableKey: "pk_test_x",
				origins: ["https://js.stripe.com", "https://api.stripe.com", "https://hooks.stripe.com"],
			},
			{
				name: "paypal",
				label: "PayPal",
				flow: "redirect" as const,
				publishableKey: null,
				// Anything but a bare origin never reaches the header.
				origins: ["https://www.sandbox.paypal.com", "https://x.example/; script-src *", "javascript:alert(1)"],
			},
		],
	};

	it("a page whose form goes to a gateway allows the redirect gateways' pages as form targets only", () => {
		expect(gatewayFormCsp(list)).toBe(
			"default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; " +
				"form-action 'self' https://checkout.stripe.com https://www.sandbox.paypal.com; base-uri 'none'; frame-ancestors 'none'",
		);
		expect(gatewayFormCsp({ default: "sandbox", items: [list.items[0]!] })).toBe(PERSONAL_CSP);
	});

	it("the pay page allows exactly Stripe's script, frames and API", () => {
		expect(STRIPE_PAY_CSP).toBe(
			"default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'self' https://js.stripe.com; " +
				"frame-src https://js.stripe.com https://hooks.stripe.com; connect-src 'self' https://api.stripe.com; " +
				"form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
		);
		expect(PERSONAL_CSP).not.toContain("stripe");
	});
});

describe("back from the gateway", () => {
	it("approved: the return confirms with the gateway, and the page shows the order paid", async () => {
		const { s, place } = await atReview();
		const { gatewayPath, orderId } = await placed(s, place);
		const back = await decide(s, gatewayPath, "approve");
		expect(back.pathname).toBe(`/checkout/return/${orderId}`);
		const page = await eventually(async () => {
			const p = await get(s.jar, `${back.pathname}${back.search}`);
			expect(p.res.status).toBe(200);
			expect(p.res.headers.get("content-security-policy")).toBe(SERVED_PERSONAL_CSP);
			return p.html.includes('data-status="paid"') ? p : undefined;
		}, "the order paid");
		expect(page.html).toContain("Thank you, order paid");
		expect((await payment(orderId))?.status).toBe("succeeded");
		expect((await coreOrder(s, orderId)).order?.status).toBe("paid");
		// Paid: the pay and cancelled pages send the shopper to the confirmation.
		for (const path of [`/checkout/pay/${orderId}${back.search}`, `/checkout/cancelled/${orderId}${back.search}`]) {
			const after = await get(s.jar, path);
			expect(after.res.status).toBe(303);
			expect(after.res.headers.get("location")).toBe(`/checkout/return/${orderId}`);
		}
	});

	it("before the shopper decided: still processing, nothing settled, the page looks again", async () => {
		const { s, place } = await atReview();
		const { gatewayPath, orderId, key } = await placed(s, place);
		const early = await get(s.jar, `/checkout/return/${orderId}?k=${encodeURIComponent(key)}`);
		expect(early.res.status).toBe(200);
		expect(early.html).toContain("payment processing");
		expect(early.res.headers.get("refresh")).toBe(`2; url=/checkout/return/${orderId}?k=${encodeURIComponent(key)}`);
		expect((await payment(orderId))?.status).toBe("requires_action");
		// The shopper then pays: the same page now says paid.
		await decide(s, gatewayPath, "approve");
		await eventually(async () => {
			const p = await get(s.jar, `/checkout/return/${orderId}`);
			return p.html.includes('data-status="paid"') ? true : undefined;
		}, "the order paid");
	});

	it("declined: the gateway's own answer sends the shopper to the page that offers another try", async () => {
		const { s, place } = await atReview();
		const { gatewayPath, orderId, key } = await placed(s, place);
		await decide(s, gatewayPath, "decline");
		// Without the sandbox's hint in the URL: only the confirmation knows it failed.
		const back = await get(s.jar, `/checkout/return/${orderId}?k=${encodeURIComponent(key)}`);
		expect(back.res.status).toBe(303);
		const to = back.res.headers.get("location") ?? "";
		expect(to).toBe(`/checkout/cancelled/${orderId}?k=${encodeURIComponent(key)}&g=sandbox`);
		const cancelled = await get(s.jar, to);
		expect(cancelled.res.status).toBe(200);
		expect(cancelled.res.headers.get("content-security-policy")).toBe(SERVED_PERSONAL_CSP);
		// One gateway: the retry form has no choice, as before.
		const retry = hiddenFields(cancelled.html, `/checkout/retry/${orderId}`);
		expect(retry.gateway).toBeUndefined();
		const again = await post(s.jar, `/checkout/retry/${orderId}`, retry);
		expect(again.res.status).toBe(303);
		expect(again.res.headers.get("location")).toMatch(/\/sandbox-pay\/sbx_/);
		expect(await coreOrders(s)).toHaveLength(1);
	});
});

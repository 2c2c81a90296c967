import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { core, edge, ORIGIN } from "./helpers";
import { addToCart, coreOrder, eventually, fieldOf, freshVariant, type Shopper, signUp } from "./shopper";

// The edge's /sandbox-pay/* proxy to the core's public sandbox gateway page: a transparent pass
// of the page, its headers and its 303 back to the shop; nothing outside the exact pattern.

const ADDRESS = { name: "Ada", line1: "1 Market St", city: "Austin", region: "TX", postalCode: "73301", country: "US" };

/** An order placed straight at the core (as the edge would): its sandbox page's path on the edge. */
async function pendingPayment(s: Shopper): Promise<{ path: string; ref: string; orderId: string }> {
	const v = await freshVariant();
	await addToCart(s, v.id, 1);
	const res = await core().request("POST", "/checkout", {
		caller: s.caller,
		headers: { "idempotency-key": crypto.randomUUID() },
		body: JSON.stringify({
			address: ADDRESS,
			shippingMethod: "standard",
			returnUrl: `${ORIGIN}/checkout/return/{orderId}`,
			cancelUrl: `${ORIGIN}/checkout/cancelled/{orderId}`,
		}),
	});
	expect(res.status).toBe(201);
	const body = (await res.json()) as { order: { id: string }; payment: { redirectUrl: string } };
	const url = new URL(body.payment.redirectUrl);
	expect(url.origin).toBe(ORIGIN);
	const ref = url.pathname.split("/").pop() ?? "";
	return { path: url.pathname, ref, orderId: body.order.id };
}

const form = (csrf: string, headers: Record<string, string> = {}) => ({
	method: "POST",
	headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
	body: `csrf=${encodeURIComponent(csrf)}`,
	redirect: "manual" as const,
});

describe("sandbox-pay proxy", () => {
	it("serves the gateway's page with its own headers and no cookies", async () => {
		const s = await signUp();
		const { path, ref, orderId } = await pendingPayment(s);
		expect(path).toBe(`/sandbox-pay/${ref}`);
		const res = await edge(path);
		expect(res.status).toBe(200);
		const direct = await fetch(`${env.CORE_URL}/payment/sandbox/pay/${ref}`);
		for (const h of [
			"content-type",
			"content-security-policy",
			"cache-control",
			"x-frame-options",
			"referrer-policy",
		]) {
			expect({ h, value: res.headers.get(h) }).toEqual({ h, value: direct.headers.get(h) });
		}
		expect(res.headers.get("content-security-policy")).toContain("form-action 'self' https://shop.example");
		expect(res.headers.getSetCookie()).toEqual([]);
		const html = await res.text();
		expect(html).toBe(await direct.text());
		expect(html).toContain(orderId);
		// Its forms post relative to the page, so they come back through this proxy.
		expect(html).toContain(`action="${ref}/approve"`);
	});

	it("passes the 303 back to the shop unchanged, and the webhook settles the order", async () => {
		const s = await signUp();
		const { path, ref, orderId } = await pendingPayment(s);
		const csrf = fieldOf(await (await edge(path)).text(), "csrf");

		const res = await edge(`${path}/approve`, form(csrf, { cookie: "bazaar_session=should-not-matter" }));
		expect(res.status).toBe(303);
		const location = res.headers.get("location") ?? "";
		// The same decision asked at the core directly names the very same place.
		const direct = await fetch(`${env.CORE_URL}/payment/sandbox/pay/${ref}/approve`, form(csrf));
		expect(direct.status).toBe(303);
		expect(location).toBe(direct.headers.get("location"));
		const back = new URL(location);
		expect(`${back.origin}${back.pathname}`).toBe(`${ORIGIN}/checkout/return/${orderId}`);
		expect(back.searchParams.get("sandbox_status")).toBe("approved");
		expect(res.headers.getSetCookie()).toEqual([]);
		await eventually(
			async () => ((await coreOrder(s, orderId)).order?.status === "paid" ? true : undefined),
			"the order paid",
		);
		// Decided: the page says so and offers nothing more.
		expect(await (await edge(path)).text()).toContain("already approved");
	});

	it("refuses a decision without the page's token, and changes nothing", async () => {
		const s = await signUp();
		const { path, orderId } = await pendingPayment(s);
		const res = await edge(`${path}/approve`, form("not-the-token"));
		expect(res.status).toBe(403);
		expect(res.headers.get("content-type")).toMatch(/text\/html/);
		expect(await (await edge(path)).text()).toContain("Approve payment");
		expect((await coreOrder(s, orderId)).order?.status).toBe("pending_payment");
	});

	it("answers 404 for unknown references and anything outside the pattern", async () => {
		const s = await signUp();
		const { ref } = await pendingPayment(s);
		const paths = [
			"/sandbox-pay/sbx_AAAAAAAAAAAAAAAAAAAAAAAA",
			"/sandbox-pay/",
			"/sandbox-pay",
			"/sandbox-pay/not-a-ref",
			`/sandbox-pay/${ref}%2Fapprove`,
			`/sandbox-pay/${ref}%2fdecline`,
			`/sandbox-pay/${ref}/%2e%2e/%2e%2e/webhooks/sandbox`,
			`/sandbox-pay/${ref}/..%2F..%2Fwebhooks%2Fsandbox`,
			`/sandbox-pay/${ref}%00`,
			`/sandbox-pay/${ref}/approve/extra`,
			`/sandbox-pay/${ref}/refund`,
			"/sandbox-pay/%73bx_AAAAAAAAAAAAAAAAAAAAAAAA",
		];
		for (const path of paths) {
			const res = await edge(path, { redirect: "manual" });
			expect({ path, status: res.status }).toEqual({ path, status: 404 });
		}
		const post = await edge(`/sandbox-pay/${ref}/refund`, form("x"));
		expect(post.status).toBe(404);
		const unknown = await edge("/sandbox-pay/sbx_AAAAAAAAAAAAAAAAAAAAAAAA/approve", form("x"));
		expect([403, 404]).toContain(unknown.status);
	});

	it("wrong methods are 405 and a form over 8 KB is 413", async () => {
		const s = await signUp();
		const { path } = await pendingPayment(s);
		const getDecision = await edge(`${path}/approve`);
		expect(getDecision.status).toBe(405);
		expect(getDecision.headers.get("allow")).toBe("POST");
		expect((await edge(path, form("x"))).status).toBe(405);
		const big = await edge(`${path}/approve`, {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded" },
			body: `csrf=${"x".repeat(9 * 1024)}`,
			redirect: "manual",
		});
		expect(big.status).toBe(413);
	});
});

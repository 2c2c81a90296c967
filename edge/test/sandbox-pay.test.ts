import { describe, expect, it } from "vitest";
import { get, post } from "./browser";
import { core, edge, ORIGIN, signIn } from "./helpers";
import { addToCart, coreOrder, eventually, fieldOf, freshVariant, type Shopper, signUp } from "./shopper";

// The sandbox gateway's page on the storefront: for the shopper who owns the order only (their
// session cookie or bearer token, signed into the core call). An anonymous visitor or another
// shopper holding the reference gets a 404 and changes nothing; the owner's decision is a form
// like any other (same origin, their session's CSRF token) and ends in a 303 back to the shop.

const ADDRESS = { name: "Ada", line1: "1 Market St", city: "Austin", region: "TX", postalCode: "73301", country: "US" };
const PASSWORD = "correct horse battery";

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

/** A form post with no session at all (an anonymous browser, or a script holding the reference). */
const anonymousForm = (fields: Record<string, string> = {}) => ({
	method: "POST",
	headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
	body: new URLSearchParams(fields).toString(),
	redirect: "manual" as const,
});

const status = async (s: Shopper, orderId: string) => (await coreOrder(s, orderId)).order?.status;

describe("sandbox-pay", () => {
	it("shows its owner the page, with the session's form token and the page's own headers", async () => {
		const s = await signUp();
		const { path, ref, orderId } = await pendingPayment(s);
		expect(path).toBe(`/sandbox-pay/${ref}`);
		const { res, html } = await get(s.jar, path);
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toMatch(/^text\/html/);
		expect(res.headers.get("content-security-policy")).toContain("form-action 'self' https://shop.example");
		expect(res.headers.get("x-frame-options")).toBe("DENY");
		expect(res.headers.get("cache-control")).toBe("no-store");
		expect(html).toContain(orderId);
		// Its forms post relative to the page, so they come back through this route.
		expect(html).toContain(`action="${ref}/approve"`);
		// The token is the session's CSRF token (the same one every other form of the shopper carries).
		const account = await get(s.jar, "/account");
		expect(fieldOf(html, "csrf")).toBe(fieldOf(account.html, "csrf"));
	});

	it("an anonymous visitor or another shopper holding the reference gets a 404 and changes nothing", async () => {
		const owner = await signUp();
		const { path, orderId } = await pendingPayment(owner);
		const mallory = await signUp("Mallory");
		const malloryToken = await signIn({ email: mallory.email, password: PASSWORD });

		const anonymous = await edge(path, { redirect: "manual" });
		expect(anonymous.status).toBe(404);
		expect(await anonymous.text()).not.toContain(orderId);
		for (const decision of ["approve", "decline"]) {
			expect((await edge(`${path}/${decision}`, anonymousForm({ csrf: "x" }))).status).toBe(404);
		}
		const other = await get(mallory.jar, path);
		expect(other.res.status).toBe(404);
		expect(other.html).not.toContain(orderId);
		// Even with a valid form token of her own session.
		const token = fieldOf((await get(mallory.jar, "/account")).html, "csrf");
		expect((await post(mallory.jar, `${path}/approve`, { csrf: token })).res.status).toBe(404);
		const bearer = { authorization: `Bearer ${malloryToken}` };
		expect((await edge(path, { headers: bearer })).status).toBe(404);
		expect((await edge(`${path}/approve`, { method: "POST", headers: bearer, redirect: "manual" })).status).toBe(404);

		expect(await status(owner, orderId)).toBe("pending_payment");
		// The owner's page is still open.
		expect((await get(owner.jar, path)).html).toContain("Approve payment");
	});

	it("the owner approves with the session cookie: a 303 back to the shop, and the webhook settles the order", async () => {
		const s = await signUp();
		const { path, orderId } = await pendingPayment(s);
		const csrf = fieldOf((await get(s.jar, path)).html, "csrf");
		const { res } = await post(s.jar, `${path}/approve`, { csrf });
		expect(res.status).toBe(303);
		const back = new URL(res.headers.get("location") ?? "");
		expect(`${back.origin}${back.pathname}`).toBe(`${ORIGIN}/checkout/return/${orderId}`);
		expect(back.searchParams.get("sandbox_status")).toBe("approved");
		await eventually(async () => ((await status(s, orderId)) === "paid" ? true : undefined), "the order paid");
		// Decided: the page says so and offers nothing more.
		const after = await get(s.jar, path);
		expect(after.html).toContain("already approved");
		expect(after.html).not.toContain("<button");
	});

	it("the owner decides with a bearer token (an API client): no form token needed", async () => {
		const s = await signUp();
		const { path, orderId } = await pendingPayment(s);
		const bearer = { authorization: `Bearer ${await signIn({ email: s.email, password: PASSWORD })}` };
		expect((await edge(path, { headers: bearer })).status).toBe(200);
		const res = await edge(`${path}/decline`, { method: "POST", headers: bearer, redirect: "manual" });
		expect(res.status).toBe(303);
		expect(new URL(res.headers.get("location") ?? "").searchParams.get("sandbox_status")).toBe("declined");
		expect(await status(s, orderId)).toBe("pending_payment");
	});

	it("with the cookie, a decision without the session's token or from another site is a 403 and changes nothing", async () => {
		const s = await signUp();
		const { path, orderId } = await pendingPayment(s);
		const csrf = fieldOf((await get(s.jar, path)).html, "csrf");
		const forged = await post(s.jar, `${path}/approve`, { csrf: "not-the-token" });
		expect(forged.res.status).toBe(403);
		expect(forged.res.headers.get("content-type")).toMatch(/text\/html/);
		const crossSite = await post(s.jar, `${path}/approve`, { csrf }, { origin: "https://evil.example" });
		expect(crossSite.res.status).toBe(403);
		expect((await get(s.jar, path)).html).toContain("Approve payment");
		expect(await status(s, orderId)).toBe("pending_payment");
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
			const res = (await get(s.jar, path)).res;
			expect({ path, status: res.status }).toEqual({ path, status: 404 });
		}
		const csrf = fieldOf((await get(s.jar, "/account")).html, "csrf");
		expect((await post(s.jar, `/sandbox-pay/${ref}/refund`, { csrf })).res.status).toBe(404);
		expect((await post(s.jar, "/sandbox-pay/sbx_AAAAAAAAAAAAAAAAAAAAAAAA/approve", { csrf })).res.status).toBe(404);
	});

	it("wrong methods are 405 and a form over 8 KB is 413", async () => {
		const s = await signUp();
		const { path } = await pendingPayment(s);
		const getDecision = await get(s.jar, `${path}/approve`);
		expect(getDecision.res.status).toBe(405);
		expect(getDecision.res.headers.get("allow")).toBe("POST");
		expect((await post(s.jar, path, { csrf: "x" })).res.status).toBe(405);
		const big = await post(s.jar, `${path}/approve`, { csrf: "x".repeat(9 * 1024) });
		expect(big.res.status).toBe(413);
	});
});

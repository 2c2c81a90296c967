import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { edge } from "./helpers";

// Webhooks reach the core through the storefront's origin, byte for byte with their signature
// headers: a correctly signed carrier event gets the core's own answer (here: no such tracking
// number), a forged or re-encoded one the core's 400.

async function hmacHex(key: string, message: string): Promise<string> {
	const k = await crypto.subtle.importKey(
		"raw",
		new TextEncoder().encode(key),
		{ name: "HMAC", hash: "SHA-256" },
		false,
		["sign"],
	);
	const mac = new Uint8Array(await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(message)));
	return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The core's default carrier secret (CARRIER_WEBHOOK_SECRET unset): derived from the signing secret. */
const carrierSecret = () => hmacHex(env.BAZAAR_SIGNING_SECRET, "bazaar carrier webhooks");

async function carrierPost(body: string, opts: { secret?: string; t?: number } = {}) {
	const t = opts.t ?? Math.floor(Date.now() / 1000);
	const v1 = await hmacHex(opts.secret ?? (await carrierSecret()), `${t}.${body}`);
	return edge("/webhooks/carrier", {
		method: "POST",
		headers: { "content-type": "application/json", "carrier-signature": `t=${t},v1=${v1}` },
		body,
	});
}

const event = JSON.stringify({
	id: `cev_${Date.now()}`,
	carrier: "bazaar-post",
	trackingNumber: "BZ0000000000000000",
	status: "in_transit",
	occurredAt: new Date().toISOString(),
});

describe("/webhooks/*", () => {
	it("passes a signed carrier event to the core unchanged and returns the core's answer", async () => {
		const res = await carrierPost(event);
		// Genuine, so verified; the tracking number is unknown, so the core's 404 comes back.
		expect(res.status).toBe(404);
		expect(res.headers.get("content-type")).toContain("json");
		expect(res.headers.get("cache-control")).toBe("no-store");
	});

	it("a forged or stale signature is the core's 400", async () => {
		expect((await carrierPost(event, { secret: "not-the-carrier-secret-0000" })).status).toBe(400);
		expect((await carrierPost(event, { t: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(400);
		const unsigned = await edge("/webhooks/carrier", { method: "POST", body: event });
		expect(unsigned.status).toBe(400);
	});

	it("refuses what is not a webhook: unknown endpoints, other methods, huge bodies", async () => {
		expect((await edge("/webhooks/nowhere", { method: "POST", body: "{}" })).status).toBe(404);
		const get = await edge("/webhooks/carrier");
		expect(get.status).toBe(405);
		expect(get.headers.get("allow")).toBe("POST");
		expect(get.headers.get("content-type")).toContain("application/problem+json");
		const huge = await edge("/webhooks/payment/stripe", { method: "POST", body: "x".repeat(70 * 1024) });
		expect(huge.status).toBe(413);
		// This core has no Stripe keys: the endpoint is a 404 there, and that answer comes back.
		expect((await edge("/webhooks/payment/stripe", { method: "POST", body: "{}" })).status).toBe(404);
	});
});

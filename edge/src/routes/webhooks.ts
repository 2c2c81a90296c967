import { Hono } from "hono";
import type { AppEnv } from "../env";
import { readBodyLimited } from "../lib/bytes";
import { withTraceHeaders } from "../lib/core";
import { apiProblem } from "../lib/problems";

// Gateways and carriers post their webhooks to the storefront's public origin; the core need not
// be reachable from the internet. The edge passes the bytes and the signature headers through
// untouched (each sender signs the raw body, so it must arrive byte for byte) and hands back the
// core's answer: the core verifies, de-duplicates and answers 2xx only once the change is durable.

const TARGETS: Record<string, string> = {
	"/webhooks/payment/stripe": "/payment/webhooks/stripe",
	"/webhooks/payment/paypal": "/payment/webhooks/paypal",
	"/webhooks/payment/sandbox": "/payment/webhooks/sandbox",
	"/webhooks/carrier": "/fulfillment/webhooks/carrier",
};
/** The core refuses more than this too; refusing here keeps the bytes off the wire. */
const MAX_BODY = 64 * 1024;
const SIGNATURE_HEADERS = [
	"content-type",
	"stripe-signature",
	"paypal-auth-algo",
	"paypal-cert-url",
	"paypal-transmission-id",
	"paypal-transmission-sig",
	"paypal-transmission-time",
	"sandbox-signature",
	"carrier-signature",
];

export const webhooks = new Hono<AppEnv>().all("*", async (c) => {
	const target = TARGETS[new URL(c.req.url).pathname];
	if (!target) return apiProblem(404, "There is no webhook endpoint here.");
	if (c.req.method !== "POST") return apiProblem(405, "Webhooks are POSTed.", {}, { allow: "POST" });
	const body = await readBodyLimited(c.req.raw, MAX_BODY);
	if (body === null) return apiProblem(413, `A webhook body is at most ${MAX_BODY} bytes.`);
	const headers = new Headers();
	for (const name of SIGNATURE_HEADERS) {
		const value = c.req.header(name);
		if (value !== undefined) headers.set(name, value);
	}
	let res: Response;
	try {
		res = await fetch(
			`${c.env.CORE_URL}${target}`,
			withTraceHeaders({ method: "POST", headers, body, redirect: "manual" }),
		);
	} catch {
		// A 5xx makes the sender retry later, which is what an unreachable core needs.
		return apiProblem(503, "The shop cannot take webhooks right now; retry later.");
	}
	return new Response(res.body, {
		status: res.status,
		headers: { "content-type": res.headers.get("content-type") ?? "application/json", "cache-control": "no-store" },
	});
});

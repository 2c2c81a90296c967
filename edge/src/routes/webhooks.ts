import { CarrierEvent, CarrierWebhookResult } from "@bazaar/contracts/fulfillment";
import { SandboxWebhookBody, WebhookResult } from "@bazaar/contracts/payment";
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { z } from "zod";
import type { AppContext } from "../env";
import { readBodyLimited } from "../lib/bytes";
import { withTraceHeaders } from "../lib/core";
import { apiProblem } from "../lib/problems";
import { apiRouter, json, passThrough, problem } from "../openapi/route-kit";

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

// ---- what each sender posts (documentation: the core verifies and parses the raw bytes) ------------

const StripeEvent = z.looseObject({
	id: z.string().meta({ example: "evt_1Example" }),
	type: z.string().meta({
		description:
			"Acted on: checkout.session.completed / async_payment_succeeded / async_payment_failed / expired, payment_intent.succeeded / payment_failed / canceled, charge.refunded; other types are acknowledged and ignored.",
	}),
	created: z.number().int(),
	data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
const PayPalEvent = z.looseObject({
	id: z.string(),
	event_type: z.string().meta({
		description:
			"Acted on: CHECKOUT.ORDER.APPROVED, PAYMENT.CAPTURE.COMPLETED / DENIED / DECLINED / REFUNDED; others are acknowledged and ignored.",
	}),
	create_time: z.string(),
	resource_type: z.string().optional(),
	resource: z.record(z.string(), z.unknown()),
});
const HMAC_HEADER =
	'`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with the endpoint\'s secret; older than 5 minutes is refused.';

function webhook<R extends RouteConfig>(route: R, result: z.ZodType): R {
	return {
		...route,
		method: "post",
		tags: ["webhooks"],
		security: [{}],
		responses: {
			200: json(result, "Received: applied, or a duplicate / stale / ignored event (acknowledged, changes nothing)."),
			400: problem("Not genuine (missing or wrong signature, too old) or not an event this endpoint reads."),
			404: problem("This gateway is not enabled."),
			413: problem(`A webhook body over ${MAX_BODY} bytes.`),
			503: problem("The shop cannot take webhooks right now; the sender retries later."),
		},
	};
}

const stripe = createRoute(
	webhook(
		{
			method: "post",
			path: "/payment/stripe",
			operationId: "stripeWebhook",
			summary: "Stripe events",
			description:
				"A Stripe event (`POST`ed by Stripe), signed in `Stripe-Signature` with the endpoint's signing secret.",
			request: {
				headers: z.object({
					"stripe-signature": z.string().meta({
						description: "`t=<unix seconds>,v1=<hex HMAC-SHA256>` (Stripe's scheme).",
						example: "t=1767225600,v1=0000",
					}),
				}),
				body: {
					required: true,
					content: {
						"application/json": {
							schema: StripeEvent,
							example: {
								id: "evt_1Example",
								type: "payment_intent.succeeded",
								created: 1767225600,
								data: { object: { id: "pi_1Example" } },
							},
						},
					},
				},
			},
			responses: {},
		},
		WebhookResult,
	),
);

const paypal = createRoute(
	webhook(
		{
			method: "post",
			path: "/payment/paypal",
			operationId: "paypalWebhook",
			summary: "PayPal events",
			description:
				"A PayPal webhook event; the core checks its transmission headers with PayPal's verify-webhook-signature API before reading it.",
			request: {
				headers: z.object({
					"paypal-auth-algo": z.string().meta({ example: "SHA256withRSA" }),
					"paypal-cert-url": z.string().meta({ example: "https://api.paypal.com/v1/notifications/certs/CERT-example" }),
					"paypal-transmission-id": z.string().meta({ example: "69cd13f0-d67a-11e5-baa3-778b53f4ae55" }),
					"paypal-transmission-sig": z.string().meta({ example: "bm90LWEtc2lnbmF0dXJl" }),
					"paypal-transmission-time": z.string().meta({ example: "2026-01-01T00:00:00Z" }),
				}),
				body: {
					required: true,
					content: {
						"application/json": {
							schema: PayPalEvent,
							example: {
								id: "WH-EXAMPLE",
								event_type: "PAYMENT.CAPTURE.COMPLETED",
								create_time: "2026-01-01T00:00:00Z",
								resource_type: "capture",
								resource: { id: "CAPTURE-EXAMPLE" },
							},
						},
					},
				},
			},
			responses: {},
		},
		WebhookResult,
	),
);

const sandbox = createRoute(
	webhook(
		{
			method: "post",
			path: "/payment/sandbox",
			operationId: "sandboxWebhook",
			summary: "Sandbox gateway events",
			description: "What the built-in sandbox gateway posts when a shopper approves or declines on its page.",
			request: {
				headers: z.object({
					"sandbox-signature": z.string().meta({ description: HMAC_HEADER, example: "t=1767225600,v1=0000" }),
				}),
				body: {
					required: true,
					content: {
						"application/json": {
							schema: SandboxWebhookBody,
							example: {
								id: "sbe_example",
								type: "payment.succeeded",
								created: 1767225600,
								data: {
									reference: "sbx_exampleexampleexample",
									paymentId: "pay_example",
									orderId: "ord_example",
									amount: 1999,
									currency: "USD",
								},
							},
						},
					},
				},
			},
			responses: {},
		},
		WebhookResult,
	),
);

const carrier = createRoute(
	webhook(
		{
			method: "post",
			path: "/carrier",
			operationId: "carrierWebhook",
			summary: "Carrier tracking events",
			description: "A carrier's tracking update for a shipment, by its tracking number; de-duplicated on the event id.",
			request: {
				headers: z.object({
					"carrier-signature": z.string().meta({ description: HMAC_HEADER, example: "t=1767225600,v1=0000" }),
				}),
				body: {
					required: true,
					content: {
						"application/json": {
							schema: CarrierEvent,
							example: {
								id: "evt-example-1",
								carrier: "bazaar-post",
								trackingNumber: "BP-EXAMPLE-1",
								status: "delivered",
								occurredAt: "2026-01-01T12:00:00Z",
							},
						},
					},
				},
			},
			responses: {},
		},
		CarrierWebhookResult,
	),
);

/** Passes the raw bytes and the signature headers on to the core, and its answer back. */
async function relayWebhook(c: AppContext): Promise<Response> {
	const target = TARGETS[new URL(c.req.url).pathname];
	if (!target) return apiProblem(404, "There is no webhook endpoint here.");
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
}

// Each sender signs the raw body, so the edge must not parse it: documented, passed through.
export const webhooks = apiRouter();
for (const route of [stripe, paypal, sandbox, carrier]) passThrough(webhooks, route, relayWebhook);
webhooks.all("*", (c) =>
	TARGETS[new URL(c.req.url).pathname]
		? apiProblem(405, "Webhooks are POSTed.", {}, { allow: "POST" })
		: apiProblem(404, "There is no webhook endpoint here."),
);

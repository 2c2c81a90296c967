import { type Problem, zodProblem } from "@bazaar/contracts";
import { QuoteRequest, StorefrontCheckoutRequest } from "@bazaar/contracts/checkout";
import { Hono } from "hono";
import type { z } from "zod";
import { checkoutCore, isOrderId } from "../checkout/core";
import { idempotencyKeyOf } from "../checkout/form-state";
import { checkoutShopper } from "../checkout/shopper";
import { paymentUrls } from "../checkout/urls";
import type { AppContext, AppEnv } from "../env";
import { readBodyLimited } from "../lib/bytes";
import { apiProblem } from "../lib/problems";
import { apiWriteGuard } from "../middleware/api-write";
import { loadSession } from "../session/middleware";

// The JSON checkout for API clients (cookie or bearer session, or a guest by the cart cookie with
// an email in the body): POST /api/checkout places the
// order and answers where to pay it; POST /api/checkout/quote prices the cart for an address;
// POST /api/checkout/orders/:id/confirm settles the payment from the gateway on return.
// The edge fills in the gateway's return URLs; everything else is the core's CheckoutRequest.

const MAX_BODY_BYTES = 16 * 1024;

export const apiCheckout = new Hono<AppEnv>();
apiCheckout.use("*", loadSession);
apiCheckout.use("*", apiWriteGuard);

async function readBody<S extends z.ZodType>(c: AppContext, schema: S): Promise<z.infer<S> | Response> {
	const bytes = await readBodyLimited(c.req.raw, MAX_BODY_BYTES);
	if (bytes === null) return apiProblem(413, `The body is larger than ${MAX_BODY_BYTES} bytes.`);
	let json: unknown;
	try {
		json = JSON.parse(new TextDecoder().decode(bytes));
	} catch {
		return apiProblem(400, "The body is not valid JSON.");
	}
	const parsed = schema.safeParse(json);
	if (!parsed.success) return problemJson(zodProblem(parsed.error));
	return parsed.data;
}

function problemJson(p: Problem, status = p.status): Response {
	return new Response(JSON.stringify({ ...p, status }), {
		status,
		headers: { "content-type": "application/problem+json", "cache-control": "no-store" },
	});
}

/** The core's refusal as this API's problem; its failures are a 502/503, never passed on as ours. */
function refused(answer: { status: number; problem: Problem }): Response {
	if (answer.status >= 500) return problemJson(answer.problem, answer.status === 503 ? 503 : 502);
	return problemJson(answer.problem, answer.status);
}

const NO_SHOPPER = "Sign in, or put something in a cart to check out as a guest.";

apiCheckout.post("/", async (c) => {
	const shopper = await checkoutShopper(c, { api: true });
	if (!shopper) return apiProblem(401, NO_SHOPPER);
	const key = idempotencyKeyOf(c.req.header("idempotency-key"));
	if (!key) {
		return apiProblem(400, "Send an Idempotency-Key header (8–200 printable characters, e.g. a UUID).", {
			errors: [{ path: "Idempotency-Key", message: "required: 8–200 printable ASCII characters" }],
		});
	}
	const body = await readBody(c, StorefrontCheckoutRequest);
	if (body instanceof Response) return body;
	if (shopper.guest && body.email === undefined) {
		return apiProblem(422, "A guest checks out with an email address: the order and its mail go there.", {
			errors: [{ path: "email", message: "required for a guest" }],
		});
	}
	const placed = await checkoutCore.place(c.env, shopper, key, { ...body, ...paymentUrls(c, key) });
	if (!placed.ok) return refused(placed);
	const replayed = placed.headers.get("idempotent-replayed") === "true";
	return c.json(placed.value, replayed ? 200 : 201, {
		"cache-control": "no-store",
		location: `/api/orders/${placed.value.order.id}`,
		...(replayed ? { "idempotent-replayed": "true" } : {}),
	});
});

apiCheckout.post("/quote", async (c) => {
	const shopper = await checkoutShopper(c, { api: true });
	if (!shopper) return apiProblem(401, NO_SHOPPER);
	const body = await readBody(c, QuoteRequest);
	if (body instanceof Response) return body;
	const quote = await checkoutCore.quote(c.env, shopper, body);
	if (!quote.ok) return refused(quote);
	return c.json(quote.value, 200, { "cache-control": "no-store" });
});

/**
 * Back from the gateway: asks it now and settles the payment from its answer (PayPal captures
 * here), instead of waiting for the webhook. Safe to repeat; another customer's order is a 404.
 */
apiCheckout.post("/orders/:orderId/confirm", async (c) => {
	const shopper = await checkoutShopper(c, { api: true });
	if (!shopper) return apiProblem(401, "Sign in, or use the guest cart's cookie, to confirm a payment.");
	const id = c.req.param("orderId");
	if (!isOrderId(id)) return apiProblem(404, "There is no such order.");
	const confirmed = await checkoutCore.confirm(c.env, shopper, id);
	if (!confirmed.ok) return refused(confirmed);
	return c.json(confirmed.value, 200, { "cache-control": "no-store" });
});

apiCheckout.all("*", (c) =>
	c.req.method === "POST"
		? apiProblem(404, "There is no such checkout resource.")
		: apiProblem(405, `${c.req.method} is not allowed here.`, {}, { allow: "POST" }),
);

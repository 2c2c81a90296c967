import { paymentAdmin } from "@bazaar/contracts/admin-routes";
import { CreatePaymentInput } from "@bazaar/contracts/payment";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { adminRouter } from "../lib/admin-router";
import { NotFoundError } from "../lib/errors";
import { type AppEnv, jsonResponse, onError, payloadTooLarge, readJson, requireRole } from "../lib/http";
import type { PaymentModule } from "./module";

// Three adapters. `paymentRoutes` (mount under /payment BEHIND the signature middleware): other
// core modules and admins create and read payments. `sandboxPageRoutes` (mount under /payment
// behind the signature too, BEFORE paymentRoutes): the sandbox's hosted page, which the shopper's
// browser reaches through the edge's /sandbox-pay/*, signed as that shopper.
// `paymentPublicRoutes` (mount under /payment WITHOUT the edge signature): gateways' webhooks,
// which carry their own signatures. Register the public routes BEFORE
// `app.use("*", requireSignature(...))` in app.ts: Hono runs handlers in registration order, so
// they answer before the signature check; everything else under /payment falls through to it.

export const PAYMENT_SERVICE_ROLES = ["service", "admin"];
const MAX_WEBHOOK_BYTES = 64 * 1024;

export function paymentRoutes(mod: PaymentModule): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	app.use("*", requireRole(...PAYMENT_SERVICE_ROLES));
	app.post("/payments", async (c) => {
		const { payment, created } = await mod.createPayment(readJson(c, CreatePaymentInput));
		return jsonResponse(payment, created ? 201 : 200, created ? { location: `/payment/payments/${payment.id}` } : {});
	});
	app.get("/payments/:id", async (c) => jsonResponse(await mod.getPayment(c.req.param("id"))));
	app.get("/orders/:orderId/payments", async (c) => jsonResponse(await mod.listOrderPayments(c.req.param("orderId"))));
	return app;
}

/**
 * Admins (mount under /payment/admin, behind the signature): which gateway and reference paid an
 * order, what was refunded on each payment, and reconciliation. Each route is its definition in
 * packages/contracts/src/admin-routes/payment.ts.
 */
export function paymentAdminRoutes(mod: PaymentModule): OpenAPIHono<AppEnv> {
	const app = adminRouter();
	app.use("*", requireRole(...PAYMENT_SERVICE_ROLES));
	app.openapi(paymentAdmin.listOrderPayments, async (c) =>
		jsonResponse({ items: await mod.listOrderPayments(c.req.valid("param").orderId), nextCursor: null }),
	);
	app.openapi(paymentAdmin.listPayments, async (c) => jsonResponse(await mod.listPayments(c.req.valid("query"))));
	app.openapi(paymentAdmin.listReconciliationRuns, async (c) =>
		jsonResponse(await mod.listReconciliationRuns(c.req.valid("query"))),
	);
	app.openapi(paymentAdmin.reconcileNow, async () => jsonResponse(await mod.reconcile("admin")));
	return app;
}

export function paymentPublicRoutes(mod: PaymentModule): Hono {
	const app = new Hono();
	app.onError(onError);

	// Answered 2xx only once the event is durable (or was already); 400 when it is not genuine.
	app.post(
		"/webhooks/:gateway",
		bodyLimit({ maxSize: MAX_WEBHOOK_BYTES, onError: payloadTooLarge(MAX_WEBHOOK_BYTES) }),
		async (c) => {
			const raw = await c.req.text();
			return jsonResponse(await mod.handleWebhook(c.req.param("gateway"), raw, c.req.raw.headers));
		},
	);

	return app;
}

/** The edge passes the shopper's form token (their session's CSRF token) for the page's forms. */
export const SANDBOX_FORM_TOKEN_HEADER = "sandbox-form-token";
const FormToken = z.string().regex(/^[A-Za-z0-9_.-]{1,200}$/);

/**
 * The sandbox's hosted page for the shopper who owns the order (anyone else, and every path when
 * the sandbox is off, is a 404). GET answers the page's HTML; POST …/approve|decline answers
 * `{location}`, where the edge sends the browser next (back to the shop).
 */
export function sandboxPageRoutes(mod: PaymentModule): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	const sandboxOf = () => {
		if (!mod.sandbox) throw new NotFoundError("The sandbox payment");
		return mod.sandbox;
	};
	const pageHeaders = (returnOrigins: string[]) => ({
		"content-type": "text/html; charset=utf-8",
		"cache-control": "no-store",
		"x-frame-options": "DENY",
		"referrer-policy": "no-referrer",
		// No script at all; forms post to this page and are then redirected back to the shop.
		"content-security-policy": `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${returnOrigins.join(" ")}; frame-ancestors 'none'; base-uri 'none'`,
	});
	app.get("/sandbox/pay/:reference", async (c) => {
		const token = FormToken.safeParse(c.req.header(SANDBOX_FORM_TOKEN_HEADER));
		const { html, returnOrigins } = await sandboxOf().page(
			c.req.param("reference"),
			c.get("caller").user,
			token.success ? token.data : "",
		);
		return new Response(html, { headers: pageHeaders(returnOrigins) });
	});
	app.post("/sandbox/pay/:reference/:decision{approve|decline}", async (c) => {
		const decision = c.req.param("decision") === "approve" ? "approve" : "decline";
		return jsonResponse(await sandboxOf().decide(c.req.param("reference"), decision, c.get("caller").user));
	});
	return app;
}

import { createHmac, randomBytes } from "node:crypto";

// A local stand-in for PayPal's REST API, for tests only (never imported by product code). It
// answers the documented endpoints we call with PayPal's documented shapes and error bodies:
// OAuth2 client credentials, Orders v2 (create, get, capture), Payments v2 (get capture, refund),
// Webhooks v1 verify-webhook-signature. Its approval page (/checkoutnow) plays the shopper on
// PayPal's site. Every state change queues the webhook event PayPal would send (`events`), signed
// at delivery time. Real PayPal signs with RSA and a certificate; the fake signs the same fields
// (transmission id | time | webhook id | CRC32 of the body) with an HMAC only it knows, and its
// verify endpoint checks them as PayPal's does.

export interface FakePayPalOptions {
	clientId?: string;
	clientSecret?: string;
	webhookId?: string;
	/** Seconds an access token lives (PayPal: ~9 hours). */
	tokenLifetimeSec?: number;
	/** Leave seller_payable_breakdown.total_refunded_amount out of refund events (we then read it). */
	omitRefundTotals?: boolean;
}

type Amount = { currency_code: string; value: string };
type Scenario = "decline" | "instrument_declined" | "pending" | "in_progress";

interface FakeCapture {
	id: string;
	orderId: string;
	status: "COMPLETED" | "DECLINED" | "PENDING" | "PARTIALLY_REFUNDED" | "REFUNDED";
	amount: Amount;
	customId: string;
	invoiceId: string;
	createTime: string;
}
interface FakeRefund {
	id: string;
	captureId: string;
	amount: Amount;
	createTime: string;
}
interface FakeOrder {
	id: string;
	status: "PAYER_ACTION_REQUIRED" | "APPROVED" | "COMPLETED" | "VOIDED";
	referenceId: string;
	customId: string;
	invoiceId: string;
	amount: Amount;
	returnUrl: string;
	cancelUrl: string;
	createTime: string;
	payerId: string | null;
	capture: FakeCapture | null;
	refunds: FakeRefund[];
}

export interface FakeEvent {
	id: string;
	event_type: string;
	body: string;
}

const DIGITS: Record<string, number> = { JPY: 0, HUF: 0, TWD: 0 };
const digitsOf = (currency: string) => DIGITS[currency] ?? 2;
/** Decimal text ↔ minor units by string, as PayPal's own books are exact. */
function toMinor(a: Amount): number {
	const [whole = "0", frac = ""] = a.value.split(".");
	return Number(whole) * 10 ** digitsOf(a.currency_code) + Number(frac.padEnd(digitsOf(a.currency_code), "0") || "0");
}
function toValue(minor: number, currency: string): string {
	const d = digitsOf(currency);
	const text = String(minor).padStart(d + 1, "0");
	return d === 0 ? text : `${text.slice(0, -d)}.${text.slice(-d)}`;
}
const precise = (a: Amount) => (a.value.split(".")[1]?.length ?? 0) <= digitsOf(a.currency_code);
const iso = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
const paypalId = (n = 17) => Array.from(randomBytes(n), (b) => "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[b % 36]).join("");

/** PayPal's error body. */
function paypalError(status: number, name: string, issue: string, description = issue): Response {
	return Response.json(
		{
			name,
			message: "The requested action could not be performed, semantically incorrect, or failed business validation.",
			debug_id: paypalId(13).toLowerCase(),
			details: [{ issue, description }],
			links: [{ href: `https://developer.paypal.com/docs/api/orders/v2/#error-${issue}`, rel: "information_link" }],
		},
		{ status },
	);
}
const unprocessable = (issue: string, description?: string) =>
	paypalError(422, "UNPROCESSABLE_ENTITY", issue, description);
const notFound = () =>
	paypalError(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID", "Specified resource ID does not exist.");
const badRequest = (issue: string) => paypalError(400, "INVALID_REQUEST", issue);

export class FakePayPal {
	readonly clientId: string;
	readonly clientSecret: string;
	readonly webhookId: string;
	readonly url: string;
	readonly orders = new Map<string, FakeOrder>();
	/** Webhook events PayPal would have sent, oldest first. */
	readonly events: FakeEvent[] = [];
	/** Every call we received, for assertions (method, path, PayPal-Request-Id). */
	readonly calls: { method: string; path: string; requestId: string | null; body: string | null }[] = [];
	/** Every access token handed out, oldest first. */
	readonly issuedTokens: string[] = [];
	/** Successful charges: captures that took money. */
	charges = 0;
	/** Force the verify endpoint's answer (e.g. PayPal down: 503). */
	verifyOverride: "FAILURE" | 503 | null = null;
	/** Answer every API call (not the token) with this status, e.g. 500. */
	failEverythingWith: number | null = null;
	private readonly signingKey = randomBytes(32);
	private readonly tokens = new Map<string, number>();
	private readonly replays = new Map<string, { status: number; body: unknown }>();
	private readonly scenarios = new Map<string, Scenario>();
	private readonly server: ReturnType<typeof Bun.serve>;

	constructor(private readonly o: FakePayPalOptions = {}) {
		this.clientId = o.clientId ?? "AfakeClientId0123456789";
		this.clientSecret = o.clientSecret ?? `EfakeSecret-${randomBytes(12).toString("hex")}`;
		this.webhookId = o.webhookId ?? "8PT597110X687430LKGECATA";
		this.server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => this.handle(req) });
		this.url = `http://127.0.0.1:${this.server.port}`;
	}

	stop(): void {
		this.server.stop(true);
	}

	/** What happens when the shopper's funding source is charged for this order. */
	scenario(orderId: string, s: Scenario): void {
		this.scenarios.set(orderId, s);
	}

	/** Forget issued tokens (as if they expired at PayPal's side). */
	revokeTokens(): void {
		this.tokens.clear();
	}

	/** PayPal voids an order (e.g. approval never completed). */
	voidOrder(orderId: string): void {
		const order = this.must(orderId);
		order.status = "VOIDED";
		this.emit("CHECKOUT.ORDER.VOIDED", "checkout-order", this.orderJson(order));
	}

	callsTo(method: string, path: RegExp) {
		return this.calls.filter((c) => c.method === method && path.test(c.path));
	}

	eventsOf(type: string): FakeEvent[] {
		return this.events.filter((e) => e.event_type === type);
	}

	/** PayPal's transmission headers for a delivery of `body` at `time`. */
	sign(body: string, options: { time?: Date; webhookId?: string } = {}): Record<string, string> {
		const transmissionId = crypto.randomUUID();
		const time = (options.time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z");
		const sig = this.signature(transmissionId, time, options.webhookId ?? this.webhookId, body);
		return {
			"content-type": "application/json",
			"paypal-auth-algo": "SHA256withRSA",
			"paypal-cert-url": "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77",
			"paypal-transmission-id": transmissionId,
			"paypal-transmission-sig": sig,
			"paypal-transmission-time": time,
		};
	}

	/** POSTs an event to a webhook listener as PayPal would (freshly signed). */
	deliver(event: FakeEvent, url: string): Promise<Response> {
		return fetch(url, { method: "POST", headers: this.sign(event.body), body: event.body });
	}

	private signature(transmissionId: string, time: string, webhookId: string, body: string): string {
		const crc = Bun.hash.crc32(body);
		return createHmac("sha256", this.signingKey)
			.update(`${transmissionId}|${time}|${webhookId}|${crc}`)
			.digest("base64");
	}

	private must(orderId: string): FakeOrder {
		const order = this.orders.get(orderId);
		if (!order) throw new Error(`fake PayPal: no order ${orderId}`);
		return order;
	}

	// ---- HTTP -------------------------------------------------------------------------------------

	private async handle(req: Request): Promise<Response> {
		const url = new URL(req.url);
		const path = url.pathname;
		const requestId = req.headers.get("paypal-request-id");
		const body = req.method === "POST" ? await req.clone().text() : null;
		this.calls.push({ method: req.method, path, requestId, body });
		if (req.method === "GET" && path === "/checkoutnow") return this.approvalPage(url);
		if (req.method === "POST" && path === "/v1/oauth2/token") return this.token(req);
		const auth = /^Bearer (\S+)$/.exec(req.headers.get("authorization") ?? "")?.[1];
		const expires = auth ? this.tokens.get(auth) : undefined;
		if (!expires || expires < Date.now()) {
			return Response.json(
				{ error: "invalid_token", error_description: "Token signature verification failed" },
				{ status: 401 },
			);
		}
		if (this.failEverythingWith)
			return paypalError(this.failEverythingWith, "INTERNAL_SERVER_ERROR", "INTERNAL_SERVICE_ERROR");
		if (req.method === "POST" && req.headers.get("content-type") !== "application/json") {
			return badRequest("UNSUPPORTED_MEDIA_TYPE");
		}
		// PayPal-Request-Id: the same key on the same endpoint answers the first answer again.
		const replayKey = requestId ? `${req.method} ${path} ${requestId}` : null;
		const replay = replayKey ? this.replays.get(replayKey) : undefined;
		if (replay) return Response.json(replay.body, { status: replay.status === 201 ? 200 : replay.status });
		const res = await this.route(req, path);
		if (replayKey && res.status < 500 && res.status !== 401) {
			this.replays.set(replayKey, { status: res.status, body: await res.clone().json() });
		}
		return res;
	}

	private async route(req: Request, path: string): Promise<Response> {
		let m: RegExpExecArray | null;
		if (req.method === "POST" && path === "/v2/checkout/orders") return this.createOrder(await req.json());
		if (req.method === "POST" && path === "/v1/notifications/verify-webhook-signature") {
			return this.verify(await req.text());
		}
		m = /^\/v2\/checkout\/orders\/([^/]+)$/.exec(path);
		if (req.method === "GET" && m) {
			const order = this.orders.get(m[1] as string);
			return order ? Response.json(this.orderJson(order)) : notFound();
		}
		m = /^\/v2\/checkout\/orders\/([^/]+)\/capture$/.exec(path);
		if (req.method === "POST" && m) return this.capture(m[1] as string);
		m = /^\/v2\/payments\/captures\/([^/]+)$/.exec(path);
		if (req.method === "GET" && m) {
			const capture = this.captureById(m[1] as string);
			return capture ? Response.json(this.captureJson(capture)) : notFound();
		}
		m = /^\/v2\/payments\/captures\/([^/]+)\/refund$/.exec(path);
		if (req.method === "POST" && m) return this.refund(m[1] as string, await req.json().catch(() => ({})));
		return notFound();
	}

	private async token(req: Request): Promise<Response> {
		const expected = `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString("base64")}`;
		const body = await req.text();
		if (req.headers.get("authorization") !== expected) {
			return Response.json(
				{ error: "invalid_client", error_description: "Client Authentication failed" },
				{ status: 401 },
			);
		}
		if (new URLSearchParams(body).get("grant_type") !== "client_credentials") {
			return Response.json(
				{ error: "unsupported_grant_type", error_description: "Grant Type is NULL" },
				{ status: 400 },
			);
		}
		const token = `A21AA${randomBytes(24).toString("base64url")}`;
		const lifetime = this.o.tokenLifetimeSec ?? 32_400;
		this.tokens.set(token, Date.now() + lifetime * 1000);
		this.issuedTokens.push(token);
		return Response.json({
			scope: "https://uri.paypal.com/services/payments/payment https://uri.paypal.com/services/payments/refund",
			access_token: token,
			token_type: "Bearer",
			app_id: "APP-80W284485P519543T",
			expires_in: lifetime,
			nonce: `${iso()}${randomBytes(8).toString("hex")}`,
		});
	}

	private createOrder(body: {
		intent?: string;
		purchase_units?: { reference_id?: string; custom_id?: string; invoice_id?: string; amount?: Amount }[];
		payment_source?: { paypal?: { experience_context?: { return_url?: string; cancel_url?: string } } };
	}): Response {
		if (body.intent !== "CAPTURE" && body.intent !== "AUTHORIZE") return badRequest("INVALID_PARAMETER_VALUE");
		const unit = body.purchase_units?.[0];
		const amount = unit?.amount;
		if (!unit || !amount || !/^[A-Z]{3}$/.test(amount.currency_code) || !/^\d+(\.\d+)?$/.test(amount.value)) {
			return badRequest("MISSING_REQUIRED_PARAMETER");
		}
		if (!precise(amount)) return badRequest("DECIMAL_PRECISION");
		const ctx = body.payment_source?.paypal?.experience_context;
		if (!ctx?.return_url || !ctx.cancel_url) return badRequest("MISSING_REQUIRED_PARAMETER");
		const order: FakeOrder = {
			id: paypalId(),
			status: "PAYER_ACTION_REQUIRED",
			referenceId: unit.reference_id ?? "default",
			customId: unit.custom_id ?? "",
			invoiceId: unit.invoice_id ?? "",
			amount,
			returnUrl: ctx.return_url,
			cancelUrl: ctx.cancel_url,
			createTime: iso(),
			payerId: null,
			capture: null,
			refunds: [],
		};
		this.orders.set(order.id, order);
		// Prefer: return=minimal (the default): id, status, links.
		return Response.json(
			{
				id: order.id,
				status: order.status,
				payment_source: { paypal: {} },
				links: this.orderLinks(order),
			},
			{ status: 201 },
		);
	}

	/** PayPal's page: the shopper logs in and approves (or cancels), and is sent back to the shop. */
	private approvalPage(url: URL): Response {
		const order = this.orders.get(url.searchParams.get("token") ?? "");
		if (!order) return new Response("no such order", { status: 404 });
		if (url.searchParams.get("cancel") === "1") {
			const back = new URL(order.cancelUrl);
			back.searchParams.set("token", order.id);
			return new Response(null, { status: 302, headers: { location: back.toString() } });
		}
		if (order.status === "PAYER_ACTION_REQUIRED") {
			order.status = "APPROVED";
			order.payerId = paypalId(13);
			this.emit("CHECKOUT.ORDER.APPROVED", "checkout-order", this.orderJson(order));
		}
		const back = new URL(order.returnUrl);
		back.searchParams.set("token", order.id);
		back.searchParams.set("PayerID", order.payerId ?? "");
		return new Response(null, { status: 302, headers: { location: back.toString() } });
	}

	private capture(orderId: string): Response {
		const order = this.orders.get(orderId);
		if (!order) return notFound();
		if (order.status === "COMPLETED") {
			return unprocessable(
				"ORDER_ALREADY_CAPTURED",
				"Order already captured.If 'intent=CAPTURE' only one capture per order is allowed.",
			);
		}
		if (order.status !== "APPROVED")
			return unprocessable("ORDER_NOT_APPROVED", "Payer has not yet approved the Order for payment.");
		const scenario = this.scenarios.get(orderId);
		if (scenario === "instrument_declined") {
			this.scenarios.delete(orderId);
			order.status = "PAYER_ACTION_REQUIRED";
			return unprocessable(
				"INSTRUMENT_DECLINED",
				"The instrument presented was either declined by the processor or bank, or it can't be used for this payment.",
			);
		}
		if (scenario === "in_progress") {
			this.scenarios.delete(orderId);
			return unprocessable("PREVIOUS_REQUEST_IN_PROGRESS", "A previous request on this resource is in progress.");
		}
		const duplicate = [...this.orders.values()].some(
			(o) => o !== order && o.invoiceId && o.invoiceId === order.invoiceId && o.capture?.status === "COMPLETED",
		);
		if (duplicate) return unprocessable("DUPLICATE_INVOICE_ID", "Duplicate Invoice ID detected.");
		const status = scenario === "decline" ? "DECLINED" : scenario === "pending" ? "PENDING" : "COMPLETED";
		order.status = "COMPLETED";
		order.capture = {
			id: paypalId(),
			orderId,
			status,
			amount: order.amount,
			customId: order.customId,
			invoiceId: order.invoiceId,
			createTime: iso(),
		};
		if (status === "COMPLETED") this.charges++;
		const type =
			status === "COMPLETED"
				? "PAYMENT.CAPTURE.COMPLETED"
				: status === "DECLINED"
					? "PAYMENT.CAPTURE.DECLINED"
					: "PAYMENT.CAPTURE.PENDING";
		this.emit(type, "capture", this.captureJson(order.capture));
		return Response.json(this.orderJson(order), { status: 201 });
	}

	private refund(captureId: string, body: { amount?: Amount; invoice_id?: string }): Response {
		const capture = this.captureById(captureId);
		if (!capture) return notFound();
		const order = this.must(capture.orderId);
		if (capture.status === "REFUNDED")
			return unprocessable("CAPTURE_FULLY_REFUNDED", "The capture has already been fully refunded");
		if (capture.status !== "COMPLETED" && capture.status !== "PARTIALLY_REFUNDED") {
			return unprocessable("REFUND_NOT_ALLOWED", "Refund cannot be issued for this capture.");
		}
		const captured = toMinor(capture.amount);
		const refunded = order.refunds.reduce((s, r) => s + toMinor(r.amount), 0);
		const amount = body.amount ?? {
			currency_code: capture.amount.currency_code,
			value: toValue(captured - refunded, capture.amount.currency_code),
		};
		if (amount.currency_code !== capture.amount.currency_code) return unprocessable("CURRENCY_MISMATCH");
		if (!/^\d+(\.\d+)?$/.test(amount.value) || !precise(amount) || toMinor(amount) <= 0) {
			return badRequest("INVALID_PARAMETER_VALUE");
		}
		if (refunded + toMinor(amount) > captured) {
			return unprocessable(
				"REFUND_AMOUNT_EXCEEDED",
				"The refund amount must be less than or equal to the capture amount that has not yet been refunded.",
			);
		}
		const refund: FakeRefund = { id: paypalId(), captureId, amount, createTime: iso() };
		order.refunds.push(refund);
		const total = refunded + toMinor(amount);
		capture.status = total === captured ? "REFUNDED" : "PARTIALLY_REFUNDED";
		const json = this.refundJson(refund, total);
		this.emit(
			"PAYMENT.CAPTURE.REFUNDED",
			"refund",
			this.o.omitRefundTotals ? { ...json, seller_payable_breakdown: undefined } : json,
		);
		return Response.json(json, { status: 201 });
	}

	private verify(text: string): Response {
		if (this.verifyOverride === 503) return paypalError(503, "SERVICE_UNAVAILABLE", "SERVICE_UNAVAILABLE");
		let body: Record<string, unknown>;
		try {
			body = JSON.parse(text);
		} catch {
			return badRequest("MALFORMED_REQUEST_JSON");
		}
		const fields = ["auth_algo", "cert_url", "transmission_id", "transmission_sig", "transmission_time", "webhook_id"];
		if (fields.some((f) => typeof body[f] !== "string") || typeof body.webhook_event !== "object") {
			return paypalError(400, "VALIDATION_ERROR", "MISSING_REQUIRED_PARAMETER");
		}
		const expected = this.signature(
			body.transmission_id as string,
			body.transmission_time as string,
			this.webhookId,
			JSON.stringify(body.webhook_event),
		);
		const ok =
			this.verifyOverride !== "FAILURE" && body.webhook_id === this.webhookId && body.transmission_sig === expected;
		return Response.json({ verification_status: ok ? "SUCCESS" : "FAILURE" });
	}

	// ---- PayPal's object shapes -------------------------------------------------------------------

	private captureById(id: string): FakeCapture | undefined {
		for (const o of this.orders.values()) if (o.capture?.id === id) return o.capture;
		return undefined;
	}

	private orderLinks(order: FakeOrder) {
		const links = [{ href: `${this.url}/v2/checkout/orders/${order.id}`, rel: "self", method: "GET" }];
		if (order.status === "PAYER_ACTION_REQUIRED") {
			links.push({ href: `${this.url}/checkoutnow?token=${order.id}`, rel: "payer-action", method: "GET" });
		}
		if (order.status === "APPROVED") {
			links.push({ href: `${this.url}/v2/checkout/orders/${order.id}/capture`, rel: "capture", method: "POST" });
		}
		return links;
	}

	private orderJson(order: FakeOrder) {
		const payments =
			order.capture === null
				? undefined
				: {
						captures: [this.captureJson(order.capture, false)],
						...(order.refunds.length > 0 ? { refunds: order.refunds.map((r) => this.refundJson(r, null)) } : {}),
					};
		return {
			id: order.id,
			intent: "CAPTURE",
			status: order.status,
			payment_source: {
				paypal: order.payerId ? { account_id: order.payerId, email_address: "buyer@example.com" } : {},
			},
			purchase_units: [
				{
					reference_id: order.referenceId,
					amount: order.amount,
					payee: { email_address: "merchant@example.com", merchant_id: "C7CYMKZDG8D6E" },
					custom_id: order.customId,
					invoice_id: order.invoiceId,
					...(payments ? { payments } : {}),
				},
			],
			...(order.payerId ? { payer: { payer_id: order.payerId, email_address: "buyer@example.com" } } : {}),
			create_time: order.createTime,
			update_time: iso(),
			links: this.orderLinks(order),
		};
	}

	private captureJson(c: FakeCapture, withOrder = true) {
		return {
			id: c.id,
			status: c.status,
			...(c.status === "PENDING" ? { status_details: { reason: "PENDING_REVIEW" } } : {}),
			amount: c.amount,
			final_capture: true,
			seller_protection: { status: "ELIGIBLE", dispute_categories: ["ITEM_NOT_RECEIVED", "UNAUTHORIZED_TRANSACTION"] },
			custom_id: c.customId,
			invoice_id: c.invoiceId,
			...(withOrder ? { supplementary_data: { related_ids: { order_id: c.orderId } } } : {}),
			create_time: c.createTime,
			update_time: iso(),
			links: [
				{ href: `${this.url}/v2/payments/captures/${c.id}`, rel: "self", method: "GET" },
				{ href: `${this.url}/v2/payments/captures/${c.id}/refund`, rel: "refund", method: "POST" },
				{ href: `${this.url}/v2/checkout/orders/${c.orderId}`, rel: "up", method: "GET" },
			],
		};
	}

	private refundJson(r: FakeRefund, totalRefunded: number | null) {
		return {
			id: r.id,
			amount: r.amount,
			status: "COMPLETED",
			...(totalRefunded === null
				? {}
				: {
						seller_payable_breakdown: {
							gross_amount: r.amount,
							net_amount: r.amount,
							total_refunded_amount: {
								currency_code: r.amount.currency_code,
								value: toValue(totalRefunded, r.amount.currency_code),
							},
						},
					}),
			create_time: r.createTime,
			update_time: r.createTime,
			links: [
				{ href: `${this.url}/v2/payments/refunds/${r.id}`, rel: "self", method: "GET" },
				{ href: `${this.url}/v2/payments/captures/${r.captureId}`, rel: "up", method: "GET" },
			],
		};
	}

	private emit(eventType: string, resourceType: string, resource: unknown): void {
		const id = `WH-${paypalId(17)}-${paypalId(17)}`;
		const body = JSON.stringify({
			id,
			event_version: "1.0",
			create_time: new Date().toISOString(),
			resource_type: resourceType,
			resource_version: "2.0",
			event_type: eventType,
			summary: `${eventType} (fake PayPal)`,
			resource,
			links: [{ href: `${this.url}/v1/notifications/webhooks-events/${id}`, rel: "self", method: "GET" }],
		});
		this.events.push({ id, event_type: eventType, body });
	}
}

import { randomBytes } from "node:crypto";
import Stripe from "stripe";

// A local stand-in for api.stripe.com, for tests only: it answers the documented endpoints the
// gateway uses (payment_intents, checkout/sessions, refunds) with Stripe's documented object
// shapes, honours Idempotency-Key like Stripe does, serves a hosted Checkout page, and plays
// Stripe's side of a payment: it moves objects to their next state and sends webhook events signed
// with the SDK's own test-header helper. The real SDK talks to it through its host/port/protocol
// options; nothing in the product knows it exists.

type Obj = Record<string, unknown>;

export interface FakeStripe {
	url: string;
	api: { host: string; port: number; protocol: "http" };
	/** Requests the SDK made, for assertions ("one refund call"). */
	requests: { method: string; path: string; idempotencyKey: string | null }[];
	intents: Map<string, Obj>;
	sessions: Map<string, Obj>;
	/** Where events are POSTed (our webhook endpoint); set by the test. */
	webhookUrl: string;
	/**
	 * The next N refunds are made (Stripe has them; their charge.refunded webhook is held back) but
	 * their answer is lost: a 500 with `Stripe-Should-Retry: false`, as when the connection drops
	 * after Stripe did the work. The same Idempotency-Key later answers the refund that was made.
	 */
	loseRefundAnswers: number;
	/** Sends the webhooks held back for lost answers (Stripe's retries reaching us at last). */
	deliverHeld(): Promise<Response[]>;
	/** Stripe's side of a shopper paying: the PI (and session) succeed, the charge exists. */
	succeed(reference: string, options?: { silent?: boolean }): Promise<Obj[]>;
	/** The card is declined (PI payment_failed). `silent`: the webhook is lost. */
	decline(reference: string, message?: string, options?: { silent?: boolean }): Promise<Obj[]>;
	/** 3-D Secure: the PI waits on a redirect to the bank's page (next_action.redirect_to_url). */
	requireAction(reference: string): Obj;
	/** A Checkout Session that times out (checkout.session.expired). */
	expire(reference: string): Promise<Obj[]>;
	/** Builds an event of `type` about `object` (not sent). */
	event(type: string, object: Obj): Obj;
	/** Signs and POSTs an event to webhookUrl; returns our endpoint's response. */
	deliver(event: Obj, options?: { secret?: string; timestamp?: number }): Promise<Response>;
	stop(): void;
}

const stripe = new Stripe("sk_test_fake_signer", { httpClient: Stripe.createFetchHttpClient() });
const cryptoProvider = Stripe.createSubtleCryptoProvider();

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;
const now = () => Math.floor(Date.now() / 1000);

/** Stripe's form encoding (`a[b][0][c]=1`) back into objects and arrays. */
export function parseStripeForm(text: string): Obj {
	const out: Obj = {};
	for (const [key, value] of new URLSearchParams(text)) {
		const parts = key.replace(/\]/g, "").split("[");
		let node: Obj = out;
		parts.forEach((part, i) => {
			const last = i === parts.length - 1;
			const k = part === "" ? String(Object.keys(node).length) : part;
			if (last) {
				node[k] = value;
				return;
			}
			if (node[k] === undefined) node[k] = {};
			node = node[k] as Obj;
		});
	}
	return out;
}

/** What was done, whose answer never reaches the caller (loseRefundAnswers). */
class LostAnswer extends Response {
	constructor(readonly made: Response) {
		super(null, { status: 500 });
	}
}

const stripeError = (status: number, code: string, message: string, param?: string) =>
	Response.json({ error: { type: "invalid_request_error", code, message, ...(param ? { param } : {}) } }, { status });

export function startFakeStripe(options: { webhookSecret: string }): FakeStripe {
	const intents = new Map<string, Obj>();
	const sessions = new Map<string, Obj>();
	const charges = new Map<string, Obj>();
	const refunds = new Map<string, Obj>();
	const idempotent = new Map<string, { body: string; status: number }>();
	const requests: FakeStripe["requests"] = [];
	const held: Obj[] = [];

	const withCharge = (pi: Obj, expand: string[]) => {
		const chargeId = pi.latest_charge as string | null;
		if (!chargeId || !expand.some((e) => e.endsWith("latest_charge"))) return pi;
		return { ...pi, latest_charge: charges.get(chargeId) };
	};

	function createIntent(p: Obj, extra: Obj = {}): Obj {
		const piId = id("pi");
		const pi: Obj = {
			id: piId,
			object: "payment_intent",
			amount: Number(p.amount),
			amount_received: 0,
			currency: String(p.currency),
			status: "requires_payment_method",
			client_secret: `${piId}_secret_${randomBytes(8).toString("hex")}`,
			metadata: (p.metadata as Obj) ?? {},
			latest_charge: null,
			last_payment_error: null,
			next_action: null,
			created: now(),
			livemode: false,
			...extra,
		};
		intents.set(piId, pi);
		return pi;
	}

	async function handle(req: Request): Promise<Response> {
		const url = new URL(req.url);
		const body = req.method === "POST" ? parseStripeForm(await req.text()) : {};
		const query = parseStripeForm(url.search.slice(1));
		const expand = Object.values((query.expand ?? body.expand ?? {}) as Obj).map(String);
		const key = req.headers.get("idempotency-key");
		requests.push({ method: req.method, path: url.pathname, idempotencyKey: key });
		if (url.pathname.startsWith("/v1/") && !/^Bearer sk_test_/.test(req.headers.get("authorization") ?? "")) {
			return Response.json(
				{ error: { type: "invalid_request_error", message: "Invalid API Key provided" } },
				{ status: 401 },
			);
		}
		const cacheKey = key && req.method === "POST" ? `${url.pathname} ${key}` : null;
		const replay = cacheKey ? idempotent.get(cacheKey) : undefined;
		if (replay) return new Response(replay.body, { status: replay.status, headers: { "idempotent-replayed": "true" } });
		const res = await route(req.method, url.pathname, body, expand);
		const made = res instanceof LostAnswer ? res.made : res;
		if (cacheKey && made.status < 500)
			idempotent.set(cacheKey, { body: await made.clone().text(), status: made.status });
		if (res instanceof LostAnswer) {
			return Response.json(
				{ error: { type: "api_error", message: "An error occurred with our connection to Stripe." } },
				{ status: 500, headers: { "stripe-should-retry": "false" } },
			);
		}
		return res;
	}

	async function route(method: string, path: string, p: Obj, expand: string[]): Promise<Response> {
		const get = (pattern: RegExp) => (method === "GET" ? pattern.exec(path) : null);
		const post = (pattern: RegExp) => (method === "POST" ? pattern.exec(path) : null);
		if (method === "POST" && path === "/v1/payment_intents") {
			if (!(Number(p.amount) > 0)) return stripeError(400, "parameter_invalid_integer", "Invalid amount", "amount");
			return Response.json(createIntent(p));
		}
		const intentPath = get(/^\/v1\/payment_intents\/([^/]+)$/);
		if (intentPath) {
			const m = intentPath;
			const pi = intents.get(m[1] as string);
			if (!pi) return stripeError(404, "resource_missing", `No such payment_intent: '${m[1]}'`, "intent");
			return Response.json(withCharge(pi, expand));
		}
		if (method === "POST" && path === "/v1/checkout/sessions") {
			// Stripe's documented bounds: 30 minutes to 24 hours after the session's creation.
			if (p.expires_at !== undefined) {
				const life = Number(p.expires_at) - now();
				if (!(life >= 30 * 60 && life <= 24 * 60 * 60)) {
					return stripeError(
						400,
						"parameter_invalid_integer",
						"The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.",
						"expires_at",
					);
				}
			}
			const item = (p.line_items as Obj)?.["0"] as Obj | undefined;
			const price = item?.price_data as Obj | undefined;
			const csId = id("cs_test");
			const session: Obj = {
				id: csId,
				object: "checkout.session",
				mode: "payment",
				status: "open",
				payment_status: "unpaid",
				amount_total: Number(price?.unit_amount) * Number(item?.quantity ?? 1),
				currency: String(price?.currency),
				client_reference_id: p.client_reference_id ?? null,
				metadata: (p.metadata as Obj) ?? {},
				payment_intent: null,
				success_url: p.success_url,
				cancel_url: p.cancel_url,
				url: `${base}/c/pay/${csId}`,
				created: now(),
				expires_at: p.expires_at === undefined ? now() + 24 * 60 * 60 : Number(p.expires_at),
				livemode: false,
				// Not Stripe's: kept to create the PI when the shopper pays.
				_pi_metadata: ((p.payment_intent_data as Obj)?.metadata as Obj) ?? {},
			};
			sessions.set(csId, session);
			return Response.json(publicSession(session, expand));
		}
		const sessionPath = get(/^\/v1\/checkout\/sessions\/([^/]+)$/);
		if (sessionPath) {
			const m = sessionPath;
			const s = sessions.get(m[1] as string);
			if (!s) return stripeError(404, "resource_missing", `No such checkout.session: '${m[1]}'`, "session");
			return Response.json(publicSession(s, expand));
		}
		if (method === "POST" && path === "/v1/refunds") {
			const pi = intents.get(String(p.payment_intent));
			if (!pi) return stripeError(404, "resource_missing", `No such payment_intent: '${p.payment_intent}'`);
			const charge = pi.latest_charge ? charges.get(pi.latest_charge as string) : undefined;
			if (!charge || pi.status !== "succeeded") {
				return stripeError(400, "charge_not_refundable", "This PaymentIntent has no successful charge to refund.");
			}
			const left = (charge.amount as number) - (charge.amount_refunded as number);
			const amount = p.amount === undefined ? left : Number(p.amount);
			if (left === 0)
				return stripeError(400, "charge_already_refunded", `Charge ${charge.id} has already been refunded.`);
			if (amount > left) {
				return stripeError(
					400,
					"amount_too_large",
					`Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
					"amount",
				);
			}
			charge.amount_refunded = (charge.amount_refunded as number) + amount;
			charge.refunded = charge.amount_refunded === charge.amount;
			const refund: Obj = {
				id: id("re"),
				object: "refund",
				amount,
				charge: charge.id,
				payment_intent: pi.id,
				currency: pi.currency,
				status: "succeeded",
				metadata: (p.metadata as Obj) ?? {},
				created: now(),
			};
			refunds.set(refund.id as string, refund);
			if (fake.loseRefundAnswers > 0) {
				fake.loseRefundAnswers--;
				held.push(fake.event("charge.refunded", { ...charge }));
				return new LostAnswer(Response.json(refund));
			}
			// Stripe then tells the account: charge.refunded carries the cumulative amount.
			queueMicrotask(() => void fake.deliver(fake.event("charge.refunded", { ...charge })).catch(() => {}));
			return Response.json(refund);
		}
		// The hosted Checkout page (Stripe's, not ours): pay or go back.
		const pagePath = get(/^\/c\/pay\/([^/]+)$/);
		if (pagePath) {
			const m = pagePath;
			const s = sessions.get(m[1] as string);
			if (!s) return new Response("No such session", { status: 404 });
			const amount = `${((s.amount_total as number) / 100).toFixed(2)} ${String(s.currency).toUpperCase()}`;
			return new Response(
				`<!doctype html><title>Fake Stripe Checkout</title><h1>Pay ${amount}</h1>` +
					`<form method="post" action="/c/pay/${s.id}/pay"><button>Pay</button></form>` +
					`<form method="post" action="/c/pay/${s.id}/back"><button>Back to shop</button></form>`,
				{ headers: { "content-type": "text/html" } },
			);
		}
		const decisionPath = post(/^\/c\/pay\/([^/]+)\/(pay|back)$/);
		if (decisionPath) {
			const m = decisionPath;
			const s = sessions.get(m[1] as string);
			if (!s) return new Response("No such session", { status: 404 });
			if (m[2] === "back") return Response.redirect(String(s.cancel_url), 303);
			await fake.succeed(s.id as string);
			return Response.redirect(String(s.success_url).replace("{CHECKOUT_SESSION_ID}", s.id as string), 303);
		}
		return stripeError(404, "resource_missing", `Unrecognized request URL (${method}: ${path}).`);
	}

	const publicSession = (s: Obj, expand: string[]) => {
		const { _pi_metadata: _, ...rest } = s;
		if (s.payment_intent && expand.some((e) => e.startsWith("payment_intent"))) {
			const pi = intents.get(s.payment_intent as string) as Obj;
			return {
				...rest,
				payment_intent: withCharge(
					pi,
					expand.map((e) => e.replace(/^payment_intent\./, "")),
				),
			};
		}
		return rest;
	};

	function intentOf(reference: string): { pi: Obj; session?: Obj } {
		const session = sessions.get(reference);
		if (session) {
			if (!session.payment_intent) {
				const pi = createIntent({
					amount: session.amount_total,
					currency: session.currency,
					metadata: session._pi_metadata,
				});
				session.payment_intent = pi.id;
			}
			return { pi: intents.get(session.payment_intent as string) as Obj, session };
		}
		const pi = intents.get(reference);
		if (!pi) throw new Error(`fake stripe: no PaymentIntent or Session ${reference}`);
		return { pi };
	}

	const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: handle });
	const base = `http://127.0.0.1:${server.port}`;

	const fake: FakeStripe = {
		url: base,
		api: { host: "127.0.0.1", port: server.port as number, protocol: "http" },
		requests,
		intents,
		sessions,
		webhookUrl: "",
		loseRefundAnswers: 0,
		async deliverHeld() {
			const out: Response[] = [];
			for (const e of held.splice(0)) out.push(await fake.deliver(e));
			return out;
		},
		async succeed(reference, opts = {}) {
			const { pi, session } = intentOf(reference);
			const chargeId = id("ch");
			charges.set(chargeId, {
				id: chargeId,
				object: "charge",
				amount: pi.amount,
				amount_refunded: 0,
				refunded: false,
				currency: pi.currency,
				payment_intent: pi.id,
				status: "succeeded",
				paid: true,
				created: now(),
			});
			Object.assign(pi, {
				status: "succeeded",
				amount_received: pi.amount,
				latest_charge: chargeId,
				next_action: null,
			});
			const events = [fake.event("payment_intent.succeeded", { ...pi })];
			if (session) {
				Object.assign(session, { status: "complete", payment_status: "paid" });
				events.push(fake.event("checkout.session.completed", publicSession(session, [])));
			}
			if (!opts.silent) for (const e of events) await fake.deliver(e);
			return events;
		},
		async decline(reference, message = "Your card was declined.", opts = {}) {
			const { pi } = intentOf(reference);
			Object.assign(pi, {
				status: "requires_payment_method",
				last_payment_error: { type: "card_error", code: "card_declined", message },
			});
			const e = fake.event("payment_intent.payment_failed", { ...pi });
			if (!opts.silent) await fake.deliver(e);
			return [e];
		},
		requireAction(reference) {
			const { pi } = intentOf(reference);
			Object.assign(pi, {
				status: "requires_action",
				next_action: { type: "redirect_to_url", redirect_to_url: { url: `${base}/3ds/${pi.id}`, return_url: null } },
			});
			return pi;
		},
		async expire(reference) {
			const session = sessions.get(reference);
			if (!session) throw new Error(`fake stripe: no session ${reference}`);
			Object.assign(session, { status: "expired", url: null });
			const e = fake.event("checkout.session.expired", publicSession(session, []));
			await fake.deliver(e);
			return [e];
		},
		event(type, object) {
			return {
				id: id("evt"),
				object: "event",
				api_version: "2026-10-28.endive",
				created: now(),
				type,
				livemode: false,
				pending_webhooks: 1,
				request: { id: null, idempotency_key: null },
				data: { object },
			};
		},
		async deliver(event, opts = {}) {
			if (!fake.webhookUrl) throw new Error("fake stripe: webhookUrl is not set");
			const payload = JSON.stringify(event);
			const header = await stripe.webhooks.generateTestHeaderStringAsync({
				payload,
				secret: opts.secret ?? options.webhookSecret,
				timestamp: opts.timestamp,
				cryptoProvider,
			});
			return fetch(fake.webhookUrl, {
				method: "POST",
				headers: { "content-type": "application/json", "stripe-signature": header },
				body: payload,
			});
		},
		stop: () => server.stop(true),
	};
	return fake;
}

// The checkout bench's load: virtual shoppers (and reservation clients), run by Bun in a process
// of its own so they never share the event loop of the server under test nor the orchestrator's.
// wrk replays fixed requests; a shopper's loop is a conversation (the checkout answers with the
// payment page to open, the page with the CSRF token to post), so it needs a client with state.
//
//   bun bench/lib/shoppers.ts <spec.json>     prints one line: BENCH_JSON {...}
//
// Modes:
//   core-checkout  each shopper (a registered customer) loops: POST /cart/lines → POST /checkout
//                  (Idempotency-Key) → GET the sandbox's hosted page → POST approve, as its owner
//                  [→ poll GET /orders/:id until paid]; every core call signed as the edge signs it
//   edge-checkout  the same through the Worker's JSON API with a bearer session: POST
//                  /api/cart/lines → POST /api/checkout → GET/POST /sandbox-pay/<ref>[/approve]
//   reserve        POST /inventory/reservations, one unit of one SKU per call (hot: one SKU for
//                  everyone; spread: cycling over many), signed as a core service
//
// Latencies count from a loop's or step's start to its answer; loops that start during the
// warm-up are not recorded, loops in flight at the end finish and are recorded (dropping them
// would hide exactly the slowest).

import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { type Caller, type SignatureCrypto, sign } from "@bazaar/signature";

interface Common {
	base: string;
	concurrency: number;
	warmupS: number;
	durationS: number;
	/** A pause after each loop, as a shopper thinks (0: back to back, the strictest reading). */
	thinkMs?: number;
}
interface CoreCheckoutSpec extends Common {
	mode: "core-checkout";
	secret: string;
	shoppers: Caller[];
	variants: string[];
	shopOrigin: string;
	waitPaid: boolean;
}
interface EdgeCheckoutSpec extends Common {
	mode: "edge-checkout";
	/** Bearer session tokens from POST /api/session (the orchestrator signs each shopper in once). */
	tokens: string[];
	variants: string[];
	waitPaid: boolean;
}
interface ReserveSpec extends Common {
	mode: "reserve";
	secret: string;
	skus: string[];
	runId: string;
}
type Spec = CoreCheckoutSpec | EdgeCheckoutSpec | ReserveSpec;

const fastCrypto: SignatureCrypto = {
	hmacSha256Hex: (secret, data) => createHmac("sha256", secret).update(data).digest("hex"),
	sha256Hex: (bytes) => createHash("sha256").update(bytes).digest("hex"),
};

export const ADDRESS = {
	name: "Bench Shopper",
	line1: "1 Market Street",
	city: "San Francisco",
	region: "CA",
	postalCode: "94105",
	country: "US",
};

class StepError extends Error {
	constructor(
		readonly step: string,
		readonly status: number,
		readonly body: string,
	) {
		super(`${step}: HTTP ${status} ${body.slice(0, 300)}`);
	}
}

/** Latency samples (ms) per step name, plus error counts and a few examples. */
class Recorder {
	readonly samples = new Map<string, number[]>();
	readonly errors = new Map<string, number>();
	readonly examples: string[] = [];
	add(step: string, ms: number) {
		const list = this.samples.get(step);
		if (list) list.push(ms);
		else this.samples.set(step, [ms]);
	}
	fail(err: unknown) {
		const key = err instanceof StepError ? `${err.step} ${err.status}` : `exception ${(err as Error).name}`;
		this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
		if (this.examples.length < 5) this.examples.push(String((err as Error).message ?? err).slice(0, 400));
	}
	summary() {
		const steps: Record<string, ReturnType<typeof stats>> = {};
		for (const [k, v] of this.samples) steps[k] = stats(v);
		return { steps, errors: Object.fromEntries(this.errors), examples: this.examples };
	}
}

function stats(values: number[]) {
	const sorted = [...values].sort((a, b) => a - b);
	const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
	const mean = sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1);
	return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1) ?? 0, mean };
}

/**
 * Runs `loop(worker, n)` on `concurrency` workers: warm-up, then the measured window. The window
 * stays open past `durationS` until every worker has recorded a loop (at most 60 s), so a run
 * whose loops outlast the window still measures something; its true length is reported.
 */
async function runLoops(
	spec: Common,
	rec: Recorder,
	loop: (worker: number, n: number, record: boolean) => Promise<void>,
) {
	const t0 = performance.now();
	const measureFrom = t0 + spec.warmupS * 1000;
	const end = measureFrom + spec.durationS * 1000;
	const hardEnd = measureFrom + Math.max(spec.durationS * 1000, 60_000);
	let recorded = 0;
	let closedAt = Number.POSITIVE_INFINITY;
	const open = () => {
		const now = performance.now();
		if (now < end || (recorded < spec.concurrency && now < hardEnd)) return true;
		closedAt = Math.min(closedAt, now);
		return false;
	};
	const finishedAt: number[] = [];
	let failed = 0;
	await Promise.all(
		Array.from({ length: spec.concurrency }, async (_, worker) => {
			for (let n = 0; open(); n++) {
				const start = performance.now();
				const record = start >= measureFrom;
				try {
					await loop(worker, n, record);
					const done = performance.now();
					finishedAt.push(done);
					if (record) {
						rec.add("loop", done - start);
						recorded++;
					}
				} catch (err) {
					if (record) {
						failed++;
						recorded++;
						rec.fail(err);
					}
				}
				if (spec.thinkMs) await Bun.sleep(spec.thinkMs);
			}
		}),
	);
	const windowS = (closedAt - measureFrom) / 1000;
	const completed = finishedAt.filter((t) => t >= measureFrom && t <= closedAt).length;
	// Every loop that finished, warm-up and tail included: what the server's CPU over the whole
	// run is divided by.
	return { completed, failed, windowS, perSecond: completed / windowS, finishedTotal: finishedAt.length };
}

async function timed<T>(rec: Recorder, record: boolean, step: string, fn: () => Promise<T>): Promise<T> {
	const t = performance.now();
	const value = await fn();
	if (record) rec.add(step, performance.now() - t);
	return value;
}

async function expectStatus(step: string, res: Response, ...ok: number[]): Promise<Response> {
	if (!ok.includes(res.status)) throw new StepError(step, res.status, await res.text());
	return res;
}

const referenceOf = (redirectUrl: string) => new URL(redirectUrl).pathname.split("/").pop() as string;

/** One signed core call, as the edge makes it (core-call.ts): JSON body, caller in the signature. */
async function coreCall(
	spec: { base: string; secret: string },
	caller: Caller,
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = {},
) {
	const text = body === undefined ? undefined : JSON.stringify(body);
	const sent = { ...(text ? { "content-type": "application/json" } : {}), ...headers };
	const signed = await sign({
		secret: spec.secret,
		method,
		path,
		body: text,
		headers: sent,
		caller,
		crypto: fastCrypto,
	});
	return fetch(spec.base + path, { method, body: text, headers: { ...sent, ...signed } });
}

/**
 * The sandbox's hosted page, as its owner: read it, then approve (the core answers the decision
 * as JSON; the edge turns it into the 303 back to the shop).
 */
async function payOnPage(
	rec: Recorder,
	record: boolean,
	page: { open(): Promise<Response>; approve(): Promise<Response>; approved: number },
) {
	await timed(rec, record, "pay page GET", async () => {
		const res = await expectStatus("pay page GET", await page.open(), 200);
		await res.arrayBuffer();
	});
	await timed(rec, record, "approve POST", async () => {
		const res = await expectStatus("approve POST", await page.approve(), page.approved);
		await res.arrayBuffer();
	});
}

/** Polls the order until the webhook → bus → order path has marked it paid. */
async function untilPaid(rec: Recorder, record: boolean, read: () => Promise<Response>) {
	await timed(rec, record, "until paid", async () => {
		const deadline = performance.now() + 30_000;
		for (;;) {
			const res = await expectStatus("order GET", await read(), 200);
			const order = (await res.json()) as { status: string };
			if (order.status === "paid") return;
			if (performance.now() > deadline) throw new StepError("until paid", 0, `still ${order.status} after 30 s`);
			await Bun.sleep(5);
		}
	});
}

async function coreCheckout(spec: CoreCheckoutSpec, rec: Recorder) {
	if (spec.shoppers.length < spec.concurrency) throw new Error("fewer shoppers than the concurrency");
	const runTag = Math.random().toString(36).slice(2, 8);
	return runLoops(spec, rec, async (worker, n, record) => {
		const caller = spec.shoppers[worker] as Caller;
		const variantId = spec.variants[(worker + n) % spec.variants.length];
		try {
			await timed(rec, record, "cart POST /cart/lines", async () => {
				const res = await coreCall(spec, caller, "POST", "/cart/lines", { variantId, quantity: 1 });
				await expectStatus("cart POST /cart/lines", res, 200);
				await res.arrayBuffer();
			});
			const answer = await timed(rec, record, "checkout POST /checkout", async () => {
				const res = await coreCall(
					spec,
					caller,
					"POST",
					"/checkout",
					{
						address: ADDRESS,
						shippingMethod: "standard",
						returnUrl: `${spec.shopOrigin}/checkout/return?order={orderId}`,
						cancelUrl: `${spec.shopOrigin}/cart`,
					},
					{ "idempotency-key": `bench-${runTag}-${worker}-${n}` },
				);
				await expectStatus("checkout POST /checkout", res, 201);
				return (await res.json()) as { order: { id: string }; payment: { redirectUrl: string } };
			});
			// The page is the gateway's: a browser reaches it through the edge, signed as its owner; here, at the core's own route.
			const page = `/payment/sandbox/pay/${referenceOf(answer.payment.redirectUrl)}`;
			await payOnPage(rec, record, {
				open: () => coreCall(spec, caller, "GET", page),
				approve: () => coreCall(spec, caller, "POST", `${page}/approve`),
				approved: 200,
			});
			if (spec.waitPaid)
				await untilPaid(rec, record, () => coreCall(spec, caller, "GET", `/orders/${answer.order.id}`));
		} catch (err) {
			// A failed loop must not leave lines behind to grow the next loop's cart.
			await coreCall(spec, caller, "DELETE", "/cart").catch(() => {});
			throw err;
		}
	});
}

async function edgeCheckout(spec: EdgeCheckoutSpec, rec: Recorder) {
	if (spec.tokens.length < spec.concurrency) throw new Error("fewer signed-in shoppers than the concurrency");
	const runTag = Math.random().toString(36).slice(2, 8);
	const api = (token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
		fetch(spec.base + path, {
			method,
			body: body === undefined ? undefined : JSON.stringify(body),
			headers: {
				authorization: `Bearer ${token}`,
				...(body === undefined ? {} : { "content-type": "application/json" }),
				...headers,
			},
		});
	return runLoops(spec, rec, async (worker, n, record) => {
		const token = spec.tokens[worker] as string;
		const variantId = spec.variants[(worker + n) % spec.variants.length];
		try {
			await timed(rec, record, "cart POST /api/cart/lines", async () => {
				const res = await api(token, "POST", "/api/cart/lines", { variantId, quantity: 1 });
				await expectStatus("cart POST /api/cart/lines", res, 200, 201);
				await res.arrayBuffer();
			});
			const answer = await timed(rec, record, "checkout POST /api/checkout", async () => {
				const res = await api(
					token,
					"POST",
					"/api/checkout",
					{ address: ADDRESS, shippingMethod: "standard" },
					{ "idempotency-key": `bench-${runTag}-${worker}-${n}` },
				);
				await expectStatus("checkout POST /api/checkout", res, 201);
				return (await res.json()) as { order: { id: string }; payment: { redirectUrl: string } };
			});
			// The owner's bearer token is their credential (no cookie, so no form token either).
			const page = `/sandbox-pay/${referenceOf(answer.payment.redirectUrl)}`;
			await payOnPage(rec, record, {
				open: () => api(token, "GET", page),
				approve: () =>
					fetch(`${spec.base}${page}/approve`, {
						method: "POST",
						redirect: "manual",
						headers: { authorization: `Bearer ${token}` },
					}),
				approved: 303,
			});
			if (spec.waitPaid) await untilPaid(rec, record, () => api(token, "GET", `/api/orders/${answer.order.id}`));
		} catch (err) {
			await api(token, "DELETE", "/api/cart").catch(() => {});
			throw err;
		}
	});
}

async function reserve(spec: ReserveSpec, rec: Recorder) {
	const service: Caller = { user: "bench", roles: ["service"] };
	return runLoops(spec, rec, async (worker, n, record) => {
		const sku = spec.skus[(worker + n * spec.concurrency) % spec.skus.length];
		await timed(rec, record, "reserve POST /inventory/reservations", async () => {
			const res = await coreCall(spec, service, "POST", "/inventory/reservations", {
				orderId: `bench-${spec.runId}-${worker}-${n}`,
				lines: [{ sku, quantity: 1 }],
			});
			await expectStatus("reserve POST /inventory/reservations", res, 201);
			await res.arrayBuffer();
		});
	});
}

const spec = JSON.parse(readFileSync(process.argv[2] as string, "utf8")) as Spec;
const rec = new Recorder();
const totals =
	spec.mode === "core-checkout"
		? await coreCheckout(spec, rec)
		: spec.mode === "edge-checkout"
			? await edgeCheckout(spec, rec)
			: await reserve(spec, rec);
console.log(
	`BENCH_JSON ${JSON.stringify({ mode: spec.mode, concurrency: spec.concurrency, ...totals, ...rec.summary() })}`,
);

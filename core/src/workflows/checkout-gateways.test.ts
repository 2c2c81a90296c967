import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Caller } from "@bazaar/signature";
import { and, eq } from "drizzle-orm";
import { products, variantPrices, variants } from "../catalog/schema";
import type { FakeStripe } from "../payment/stripe/testing/fake-stripe";
import { json } from "../testing/harness";
import { decideSandbox } from "./testing/journey";
import { checkoutBody, eventually, registerCustomer, type Stack } from "./testing/stack";
import { stripeStack } from "./testing/stripe-stack";

// The checkout's gateway routes through the real composed core over HTTP: the list the review
// page offers (sandbox + Stripe's two flows against the local fake), the shopper switching
// gateways on the same order, and the return confirmation that settles a payment whose webhook
// never arrived (the sandbox's webhooks go to a closed port here; Stripe's are held back).

let fake: FakeStripe;
let s: Stack;

beforeAll(async () => {
	({ s, fake } = await stripeStack("checkoutgateways", {
		// Nothing listens on port 9: every sandbox webhook is lost, only the return can settle.
		env: { SANDBOX_WEBHOOK_URL: "http://127.0.0.1:9/payment/webhooks/sandbox" },
	}));
}, 60_000);
afterAll(async () => {
	await s?.close();
	fake?.stop();
});

type Placed = {
	order: { id: string; status: string };
	payment: { id: string; gateway: string; status: string; redirectUrl: string | null; clientSecret: string | null };
};

let skip = 0;
/** A customer with one stocked USD line in the cart (a product no other test of this file uses). */
async function shopper(name: string): Promise<Caller> {
	const caller = await registerCustomer(s, name);
	const rows = await s.core.catalog.catalog.database.db
		.select({ id: variants.id, sku: variants.sku })
		.from(variants)
		.innerJoin(products, eq(products.id, variants.productId))
		.innerJoin(variantPrices, and(eq(variantPrices.variantId, variants.id), eq(variantPrices.currency, "USD")))
		.where(and(eq(products.status, "active"), eq(products.kind, "physical"), eq(variants.inStock, true)));
	for (const row of rows.slice(skip)) {
		skip++;
		const { items } = await s.core.inventory.availability([{ sku: row.sku }]);
		if ((items[0]?.available ?? 0) < 5) continue;
		const res = await s.call("POST", "/cart/lines", { caller, body: { variantId: row.id, quantity: 1 } });
		expect(res.status).toBe(200);
		return caller;
	}
	throw new Error("no stocked variant left");
}

const place = async (caller: Caller, key: string, body: Record<string, unknown> = {}) => {
	const res = await s.call("POST", "/checkout", {
		caller,
		body: checkoutBody(body),
		headers: { "idempotency-key": key },
	});
	expect(res.status).toBe(201);
	return json<Placed>(res);
};
const confirm = (caller: Caller, orderId: string) => s.call("POST", `/checkout/orders/${orderId}/confirm`, { caller });
const orderStatus = async (caller: Caller, orderId: string) =>
	(await json<{ status: string }>(await s.call("GET", `/orders/${orderId}`, { caller }))).status;
const paidSoon = (caller: Caller, orderId: string) =>
	eventually(async () => ((await orderStatus(caller, orderId)) === "paid" ? true : undefined), 5_000, "order paid");

/** The sandbox's hosted page, decided as the edge forwards it for the shopper (its webhook then goes nowhere). */
async function decide(caller: Caller, redirectUrl: string, decision: "approve" | "decline") {
	expect((await decideSandbox(s, caller, redirectUrl, decision)).status).toBe(200);
}

describe("GET /checkout/gateways", () => {
	test("lists the sandbox and both Stripe flows, the sandbox by default; customers only", async () => {
		const caller = await registerCustomer(s, "Lister");
		const res = await s.call("GET", "/checkout/gateways", { caller });
		expect(res.status).toBe(200);
		const list = await json<{
			default: string;
			items: { name: string; flow: string; publishableKey: string | null; origins: string[] }[];
		}>(res);
		expect(list.default).toBe("sandbox");
		expect(list.items.map((g) => g.name).sort()).toEqual(["sandbox", "stripe", "stripe_checkout"]);
		const hosted = list.items.find((g) => g.name === "stripe_checkout");
		expect(hosted?.flow).toBe("redirect");
		// The fake's hosted page is where the shopper is sent, so the page's CSP must allow it.
		expect(hosted?.origins).toEqual(["https://checkout.stripe.com", fake.url]);
		const element = list.items.find((g) => g.name === "stripe");
		expect(element).toMatchObject({ flow: "element", publishableKey: "pk_test_checkoutgateways" });
		// No secret ever goes out with the list.
		expect(JSON.stringify(list)).not.toContain("sk_test_");
		expect(JSON.stringify(list)).not.toContain("whsec_");

		expect((await s.call("GET", "/checkout/gateways")).status).toBe(401);
		expect((await s.call("GET", "/checkout/gateways", { caller: { user: "admin", roles: ["admin"] } })).status).toBe(
			403,
		);
	});
});

describe("POST /checkout/orders/:orderId/confirm", () => {
	test("settles a sandbox payment whose webhook was lost; safe to repeat; owner only", async () => {
		const ada = await shopper("Ada");
		const placed = await place(ada, "gateways-ada-0001");
		expect(placed.payment.gateway).toBe("sandbox");
		await decide(ada, placed.payment.redirectUrl ?? "", "approve");
		// The webhook went nowhere: without the return the payment would wait for reconciliation.
		expect((await s.core.payments.getPayment(placed.payment.id)).status).toBe("requires_action");

		const mallory = await registerCustomer(s, "Mallory");
		const foreign = await confirm(mallory, placed.order.id);
		expect(foreign.status).toBe(404);
		expect(await foreign.text()).not.toContain(placed.payment.id);
		expect((await confirm(mallory, "ord_01HZZZZZZZZZZZZZZZZZZZZZZZ")).status).toBe(404);
		expect((await confirm(mallory, "not-an-order")).status).toBe(404);
		expect((await s.call("POST", `/checkout/orders/${placed.order.id}/confirm`)).status).toBe(401);
		// Nobody else's attempt touched it.
		expect((await s.core.payments.getPayment(placed.payment.id)).status).toBe("requires_action");

		const res = await confirm(ada, placed.order.id);
		expect(res.status).toBe(200);
		const body = await json<Placed>(res);
		expect(body.order.id).toBe(placed.order.id);
		expect(body.payment).toMatchObject({ id: placed.payment.id, gateway: "sandbox", status: "succeeded" });
		await paidSoon(ada, placed.order.id);

		// Again (a reload of the return page): the same answer, no second transition.
		const again = await json<Placed>(await confirm(ada, placed.order.id));
		expect(again.payment).toMatchObject({ id: placed.payment.id, status: "succeeded" });
		expect(again.order.status).toBe("paid");
		const detail = await json<{ timeline: { to: string }[] }>(
			await s.call("GET", `/orders/${placed.order.id}`, { caller: ada }),
		);
		expect(detail.timeline.map((t) => t.to)).toEqual(["pending_payment", "paid"]);
	}, 20_000);

	test("a declined payment comes back failed, and the same key then opens a new attempt", async () => {
		const bo = await shopper("Bo");
		const placed = await place(bo, "gateways-bo-00001");
		await decide(bo, placed.payment.redirectUrl ?? "", "decline");
		const back = await json<Placed>(await confirm(bo, placed.order.id));
		expect(back.payment).toMatchObject({ id: placed.payment.id, status: "failed" });
		expect(back.order.status).toBe("pending_payment");

		const retry = await place(bo, "gateways-bo-00001");
		expect(retry.order.id).toBe(placed.order.id);
		expect(retry.payment.id).not.toBe(placed.payment.id);
		expect(retry.payment.status).toBe("requires_action");
		// A double click on "try again": still that one attempt.
		expect((await place(bo, "gateways-bo-00001")).payment.id).toBe(retry.payment.id);
	}, 20_000);

	test("Stripe Checkout: the return settles it from Stripe's answer before its webhook", async () => {
		const cy = await shopper("Cy");
		const placed = await place(cy, "gateways-cy-00001", { gateway: "stripe_checkout" });
		expect(placed.payment.gateway).toBe("stripe_checkout");
		const reference = /\/c\/pay\/(cs_[^/?]+)$/.exec(placed.payment.redirectUrl ?? "")?.[1] ?? "";
		expect(reference).not.toBe("");
		// Stripe takes the money; its webhook is slow.
		await fake.succeed(reference, { silent: true });
		const back = await json<Placed>(await confirm(cy, placed.order.id));
		expect(back.payment).toMatchObject({ id: placed.payment.id, status: "succeeded" });
		await paidSoon(cy, placed.order.id);
	}, 20_000);
});

describe("choosing and switching gateways on one order", () => {
	test("the Payment Element's client secret, the same on replay; switching gives up the open attempt", async () => {
		const di = await shopper("Di");
		const key = "gateways-di-00001";
		const placed = await place(di, key, { gateway: "stripe" });
		expect(placed.payment.gateway).toBe("stripe");
		expect(placed.payment.redirectUrl).toBeNull();
		expect(placed.payment.clientSecret).toMatch(/^pi_[0-9a-f]+_secret_/);

		// Replayed without a choice (the pay page fetching its secret): the same attempt.
		const replay = await place(di, key);
		expect(replay.payment).toEqual(placed.payment);

		// The shopper goes back and picks the sandbox instead: one open attempt, at the sandbox.
		const switched = await place(di, key, { gateway: "sandbox" });
		expect(switched.order.id).toBe(placed.order.id);
		expect(switched.payment.gateway).toBe("sandbox");
		expect(switched.payment.redirectUrl).toContain("/payment/sandbox/pay/");
		const attempts = await s.core.payments.listOrderPayments(placed.order.id);
		expect(attempts.map((p) => [p.gateway, p.status])).toEqual([
			["stripe", "cancelled"],
			["sandbox", "requires_action"],
		]);
		// And a double submission of that choice does not open a third.
		expect((await place(di, key, { gateway: "sandbox" })).payment.id).toBe(switched.payment.id);
		expect(await s.core.payments.listOrderPayments(placed.order.id)).toHaveLength(2);

		// A gateway that is not enabled is refused before anything changes.
		const res = await s.call("POST", "/checkout", {
			caller: di,
			body: checkoutBody({ gateway: "paypal" }),
			headers: { "idempotency-key": key },
		});
		expect(res.status).toBe(422);
		expect(await s.core.payments.listOrderPayments(placed.order.id)).toHaveLength(2);
	}, 20_000);
});

describe("replaying only (checkout-replay-of)", () => {
	test("answers the order the key placed; any other key or order is a 404 that places nothing", async () => {
		const eve = await shopper("Eve");
		const key = "gateways-eve-00001";
		const placed = await place(eve, key);
		const replay = (k: string, orderId: string) =>
			s.call("POST", "/checkout", {
				caller: eve,
				body: checkoutBody(),
				headers: { "idempotency-key": k, "checkout-replay-of": orderId },
			});
		const same = await replay(key, placed.order.id);
		expect(same.status).toBe(201);
		expect((await json<Placed>(same)).payment.id).toBe(placed.payment.id);

		// Something back in the cart: a key that placed nothing must not order it.
		const [row] = await s.core.catalog.catalog.database.db
			.select({ id: variants.id })
			.from(variants)
			.innerJoin(products, eq(products.id, variants.productId))
			.innerJoin(variantPrices, and(eq(variantPrices.variantId, variants.id), eq(variantPrices.currency, "USD")))
			.where(and(eq(products.status, "active"), eq(products.kind, "physical"), eq(variants.inStock, true)))
			.limit(1);
		expect(
			(await s.call("POST", "/cart/lines", { caller: eve, body: { variantId: row?.id, quantity: 1 } })).status,
		).toBe(200);
		expect((await replay("gateways-eve-fresh1", placed.order.id)).status).toBe(404);
		expect((await replay(key, "ord_01HZZZZZZZZZZZZZZZZZZZZZZZ")).status).toBe(404);
		const orders = await json<{ items: unknown[] }>(await s.call("GET", "/orders", { caller: eve }));
		expect(orders.items).toHaveLength(1);
		const cart = await json<{ itemCount: number }>(await s.call("GET", "/cart", { caller: eve }));
		expect(cart.itemCount).toBe(1);
	}, 20_000);
});

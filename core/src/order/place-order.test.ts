import { afterEach, describe, expect, test } from "bun:test";
import { Order } from "@bazaar/contracts/order";
import { newId } from "@bazaar/ids";
import { countStatements, enableStatementCounting } from "../lib/db";
import { json } from "../testing/harness";
import { rows } from "../testing/sql";
import { ALICE, BOB, checkout, type OrderHarness, orderHarness } from "./testing/fixtures";

// Before any database opens: statements are counted from the connection up.
enableStatementCounting();

let h: OrderHarness;
afterEach(() => h?.close());

const count = async (table: string) =>
	Number((await rows(h.orders.context.database, `SELECT count(*) AS n FROM ${table}`))[0]?.n);

describe("placeOrder", () => {
	test("creates a pending order with server-side totals, a timeline row and order.placed in the outbox", async () => {
		h = await orderHarness({ now: () => Date.parse("2026-11-11T00:00:00.000Z") });
		const { order, created } = await h.orders.placeOrder(checkout());
		expect(created).toBe(true);
		Order.parse(order);
		expect(order).toMatchObject({
			status: "pending_payment",
			subtotal: 3499,
			shippingAmount: 649,
			taxAmount: 301,
			total: 4449,
			expiresAt: "2026-11-11T00:15:00.000Z",
		});
		const detail = await h.orders.getOrder(order.id, ALICE.user);
		expect(detail.lines).toEqual(order.lines);
		expect(detail.timeline).toEqual([
			{ from: null, to: "pending_payment", at: order.createdAt, actor: ALICE.user, reason: null },
		]);
		const outbox = await rows(h.orders.context.database, "SELECT type, key, payload FROM bus_outbox");
		expect(outbox.map((r) => [r.type, r.key])).toEqual([["order.placed", order.id]]);
		const event = JSON.parse(String(outbox[0]?.payload));
		expect(event.data).toMatchObject({
			orderId: order.id,
			reservationId: order.reservationId,
			total: { amount: 4449 },
		});
	});

	test("prices from the client are never accepted: unknown fields are refused", async () => {
		h = await orderHarness();
		const input = checkout();
		await expect(h.orders.placeOrder({ ...input, total: 1 } as never)).rejects.toThrow();
		const line = { ...input.lines[0], lineTotal: 1 };
		await expect(h.orders.placeOrder({ ...input, lines: [line] } as never)).rejects.toThrow();
		await expect(h.orders.placeOrder({ ...input, currency: "XXX" })).rejects.toMatchObject({ status: 400 });
		await expect(
			h.orders.placeOrder({ ...input, lines: [{ ...input.lines[0], quantity: -1 }] as never }),
		).rejects.toThrow();
		expect(await count("orders")).toBe(0);
	});

	test("same key + same body → the same order; different body → 422; the key is per customer", async () => {
		h = await orderHarness();
		const input = checkout();
		const first = await h.orders.placeOrder(input);
		// A retried checkout allocates a new reservation and order id: still the same request.
		const again = await h.orders.placeOrder({ ...input, reservationId: "res_retry", orderId: newId("ord") });
		expect(again).toEqual({ order: first.order, created: false });
		await expect(h.orders.placeOrder({ ...input, shippingMethod: "express" })).rejects.toMatchObject({ status: 422 });
		await expect(
			h.orders.placeOrder({ ...input, lines: [{ ...input.lines[0], quantity: 3 }] as never }),
		).rejects.toMatchObject({ status: 422 });
		const bobs = await h.orders.placeOrder({ ...input, customerId: BOB.user, reservationId: "res_bob" });
		expect(bobs.created).toBe(true);
		expect(await count("orders")).toBe(2);
		expect(await count("bus_outbox")).toBe(2);
	});

	test("the same key fired twenty times at once makes one order", async () => {
		h = await orderHarness();
		const input = checkout();
		const results = await Promise.all(
			Array.from({ length: 20 }, (_, i) => h.orders.placeOrder({ ...input, reservationId: `res_c${i}` })),
		);
		expect(results.filter((r) => r.created)).toHaveLength(1);
		expect(new Set(results.map((r) => r.order.id)).size).toBe(1);
		expect(await count("orders")).toBe(1);
		expect(await count("bus_outbox")).toBe(1);
	});

	test("one order per reservation: another key for a reserved reservation → 409", async () => {
		h = await orderHarness();
		const input = checkout();
		await h.orders.placeOrder(input);
		await expect(h.orders.placeOrder({ ...input, idempotencyKey: "another-key-1" })).rejects.toMatchObject({
			status: 409,
		});
		expect(await count("orders")).toBe(1);
		expect(await count("idempotency_keys")).toBe(1);
	});

	test("runs four statements and one commit for 2 lines or 100", async () => {
		h = await orderHarness();
		const two = await countStatements(() => h.orders.placeOrder(checkout()));
		const many = checkout();
		many.lines = Array.from({ length: 100 }, (_, i) => ({
			variantId: `var_${i}`,
			sku: `SKU-${i}`,
			title: `Item ${i}`,
			unitPrice: 100 + i,
			quantity: 1,
			weightGrams: 10,
		}));
		const hundred = await countStatements(() => h.orders.placeOrder(many));
		expect(hundred.total).toBe(two.total);
		// Idempotency key, order, transition, outbox; one commit.
		expect(two.total).toBe(4);
		expect(two.totalCommits).toBe(1);
		console.log(`placeOrder: ${two.total} SQL statements and one commit (any number of lines)`);
	});
});

describe("reads over HTTP", () => {
	test("a customer sees only their own orders: anyone else's is 404, unsigned-in is 401", async () => {
		h = await orderHarness();
		const { order } = await h.orders.placeOrder(checkout());
		const mine = await h.call("GET", `/orders/${order.id}`);
		expect(mine.status).toBe(200);
		expect((await json<{ id: string; timeline: unknown[] }>(mine)).timeline).toHaveLength(1);
		const theirs = await h.call("GET", `/orders/${order.id}`, { caller: BOB });
		expect(theirs.status).toBe(404);
		expect(theirs.headers.get("content-type")).toContain("application/problem+json");
		expect((await h.call("GET", "/orders/ord_nonsense", { caller: BOB })).status).toBe(404);
		expect((await h.call("GET", "/orders", { caller: { user: "", roles: [] } })).status).toBe(401);
		const bobsList = await json<{ items: unknown[] }>(await h.call("GET", "/orders", { caller: BOB }));
		expect(bobsList.items).toEqual([]);
		// Bob cannot cancel Alice's order either, and it stays as it was.
		expect((await h.call("POST", `/orders/${order.id}/cancel`, { caller: BOB })).status).toBe(404);
		expect((await h.orders.getOrder(order.id)).status).toBe("pending_payment");
	});

	test("the list pages newest first with a cursor", async () => {
		h = await orderHarness();
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) ids.push((await h.orders.placeOrder(checkout())).order.id);
		const page1 = await json<{ items: { id: string; itemCount: number }[]; nextCursor: string }>(
			await h.call("GET", "/orders?limit=2"),
		);
		expect(page1.items[0]?.itemCount).toBe(3);
		const page2 = await json<{ items: { id: string }[]; nextCursor: string }>(
			await h.call("GET", `/orders?limit=2&cursor=${page1.nextCursor}`),
		);
		const page3 = await json<{ items: { id: string }[]; nextCursor: string | null }>(
			await h.call("GET", `/orders?limit=2&cursor=${page2.nextCursor}`),
		);
		expect([...page1.items, ...page2.items, ...page3.items].map((o) => o.id).sort()).toEqual([...ids].sort());
		expect(page3.nextCursor).toBeNull();
		expect((await h.call("GET", "/orders?limit=1000")).status).toBe(400);
		expect((await h.call("GET", "/orders?cursor=x")).status).toBe(400);
	});
});

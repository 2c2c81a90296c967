import { afterAll, beforeAll, expect, test } from "bun:test";
import { type Cart, slotLabel } from "@bazaar/contracts/cart";
import { OUT_OF_STOCK_TYPE } from "@bazaar/contracts/inventory";
import type { Caller } from "@bazaar/signature";
import { json } from "../testing/harness";
import { appointmentService, hour } from "../workflows/testing/appointment";
import { checkoutBody, registerCustomer, type Stack, stack } from "../workflows/testing/stack";

// Booking a service's time slot end to end, through the real composed core over HTTP: the cart
// holds the slot, checkout reserves it (capacity enforced atomically by the inventory), and the
// order line's title names the booked time. One place per hour: the second shopper for the same
// hour hears "out of stock" for that slot and books the next hour instead.

let s: Stack;
let variantId: string;
const SKU = `PT-${Date.now().toString(36)}`;

beforeAll(async () => {
	s = await stack();
	variantId = await appointmentService(s, SKU, "Personal training", 1);
}, 60_000);
afterAll(async () => {
	await s?.close();
});

const linePath = (slot: string) => `/cart/lines/${variantId}?slot=${encodeURIComponent(slot)}`;
const checkout = (caller: Caller, key: string) =>
	s.call("POST", "/checkout", { caller, body: checkoutBody(), headers: { "idempotency-key": key } });

type Placed = { order: { id: string; reservationId: string; status: string } };
type Problem = { type: string; status: number; detail: string; errors: { path: string; message: string }[] };

test("capacity 1: the first shopper books the hour, the second is told it is taken and books the next", async () => {
	const [alice, bob] = [await registerCustomer(s, "Alice"), await registerCustomer(s, "Bob")];
	const [ten, eleven] = [hour(3), hour(4)];
	for (const caller of [alice, bob]) {
		const res = await s.call("POST", "/cart/lines", { caller, body: { variantId, slot: ten } });
		expect(res.status, await res.clone().text()).toBe(200);
		// Nothing is held yet: both carts may hold the one place.
		expect((await json<Cart>(res)).checkoutReady).toBe(true);
	}

	const first = await checkout(alice, "slots-alice-0001");
	expect(first.status, await first.clone().text()).toBe(201);
	const placed = await json<Placed>(first);
	expect(placed.order.status).toBe("pending_payment");
	// The reservation holds the slot, not just the SKU.
	const held = await s.core.inventory.getReservation(placed.order.reservationId);
	expect(held.lines).toEqual([{ sku: SKU, slot: ten, quantity: 1 }]);
	// The order line names the booked time.
	const order = await json<{ lines: { title: string; sku: string }[] }>(
		await s.call("GET", `/orders/${placed.order.id}`, { caller: alice }),
	);
	expect(order.lines.map((l) => l.title)).toEqual([`Personal training (Default) — ${slotLabel(ten)}`]);
	// Alice's cart let go of the booked line.
	expect((await json<Cart>(await s.call("GET", "/cart", { caller: alice }))).lines).toEqual([]);

	// Bob's cart says the hour is taken now.
	const bobCart = await json<Cart>(await s.call("GET", "/cart", { caller: bob }));
	expect(bobCart.lines[0]).toMatchObject({ slot: ten, status: "sold_out", message: "this time is fully booked" });
	expect(bobCart.checkoutReady).toBe(false);
	// Checking out anyway: the reservation refuses that slot (409 out of stock), nothing is held.
	const second = await checkout(bob, "slots-bob-0001");
	expect(second.status).toBe(409);
	const problem = await json<Problem>(second);
	expect(problem.type).toBe(OUT_OF_STOCK_TYPE);
	expect(problem.errors).toEqual([{ path: `${SKU}@${ten}`, message: "requested 1, available 0" }]);
	const stock = await s.core.inventory.getStock(SKU);
	expect(stock.rows.find((r) => r.slot === ten)).toMatchObject({ onHand: 1, reserved: 1, available: 0 });

	// Bob moves to the next hour and books it.
	expect((await s.call("DELETE", linePath(ten), { caller: bob })).status).toBe(200);
	const moved = await s.call("POST", "/cart/lines", { caller: bob, body: { variantId, slot: eleven } });
	expect(moved.status).toBe(200);
	const booked = await checkout(bob, "slots-bob-0002");
	expect(booked.status, await booked.clone().text()).toBe(201);
	const bobOrder = await json<Placed>(booked);
	expect((await s.core.inventory.getReservation(bobOrder.order.reservationId)).lines).toEqual([
		{ sku: SKU, slot: eleven, quantity: 1 },
	]);
	const rows = (await s.core.inventory.getStock(SKU)).rows;
	expect(rows.map((r) => [r.slot, r.reserved, r.available]).sort()).toEqual([
		[ten, 1, 0],
		[eleven, 1, 0],
	]);
});

test("two shoppers checking out the last place of an hour at once: one order, one 409 for that slot", async () => {
	// Both carts pass the cart's own check (nothing held yet); the reservation is the arbiter.
	const [carol, dave] = [await registerCustomer(s, "Carol"), await registerCustomer(s, "Dave")];
	const slot = hour(6);
	for (const caller of [carol, dave]) {
		expect((await s.call("POST", "/cart/lines", { caller, body: { variantId, slot } })).status).toBe(200);
	}
	const answers = await Promise.all([checkout(carol, "slots-carol-0001"), checkout(dave, "slots-dave-0001")]);
	const statuses = answers.map((a) => a.status).sort();
	expect(statuses).toEqual([201, 409]);
	const lost = answers.find((a) => a.status === 409) as Response;
	const problem = await json<Problem>(lost);
	expect(problem.type).toBe(OUT_OF_STOCK_TYPE);
	expect(problem.errors.map((e) => e.path)).toEqual([`${SKU}@${slot}`]);
	const row = (await s.core.inventory.getStock(SKU)).rows.find((r) => r.slot === slot);
	expect(row).toMatchObject({ onHand: 1, reserved: 1, available: 0 });
});

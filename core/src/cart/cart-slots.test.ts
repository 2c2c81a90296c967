import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Product } from "@bazaar/contracts";
import type { Cart, CartLine } from "@bazaar/contracts/cart";
import { randomToken } from "@bazaar/ids";
import type { Caller } from "@bazaar/signature";
import { cartForCheckout, toOrderLines } from "./cart-for-checkout";
import { body, type CartHarness, cartHarness, customer, variantId } from "./testing/fixtures";

// Services booked by appointment: a cart line names its time slot, the slot's capacity is
// re-checked on every read, and nothing else takes a slot.

const HOUR = 3_600_000;
/** The start of the n-th whole hour from now (n ≥ 1: always in the future). */
const hour = (n: number) => new Date((Math.floor(Date.now() / HOUR) + n) * HOUR).toISOString();

let h: CartHarness;
let massage: Product; // capacity 2 per slot
let yoga: Product; // capacity 1 per slot
let coaching: Product; // a service with no booking: unlimited, no slot
let mug: Product;

beforeAll(async () => {
	h = await cartHarness();
	massage = await h.product({
		title: "Deep-tissue massage",
		kind: "service",
		variants: [{ sku: "MASSAGE-60", price: 8000, stock: { slotCapacity: 2 } }],
	});
	yoga = await h.product({
		title: "Private yoga",
		kind: "service",
		variants: [{ sku: "YOGA-1", price: 5000, stock: { slotCapacity: 1 } }],
	});
	coaching = await h.product({
		title: "Email coaching",
		kind: "service",
		booking: "none",
		variants: [{ sku: "COACH-1", price: 3000, stock: null }],
	});
	mug = await h.product({ title: "Mug", variants: [{ sku: "MUG-S", price: 1200 }] });
});
afterAll(() => h.close());

let seq = 0;
const shopper = (): Caller => ({ user: `usr_slots_${++seq}`, roles: ["customer"] });
const cartOf = async (caller: Caller) => body<Cart>(await h.call("GET", "/cart", { caller }));
const add = (caller: Caller, line: Record<string, unknown>) => h.call("POST", "/cart/lines", { caller, body: line });
const lineAt = (cart: Cart, id: string, slot: string | null) =>
	cart.lines.find((l) => l.variantId === id && l.slot === slot) as CartLine;
type Problem = { status: number; detail: string; errors?: { path: string; message: string }[] };

describe("which lines take a slot", () => {
	test("an appointment service needs one: refused without, with a clear 422, nothing changes", async () => {
		const caller = shopper();
		const res = await add(caller, { variantId: variantId(massage) });
		expect(res.status).toBe(422);
		const problem = await body<Problem>(res);
		expect(problem.detail).toContain("choose a time for this appointment");
		expect(problem.errors).toEqual([{ path: "slot", message: "choose a time for this appointment" }]);
		expect((await cartOf(caller)).id).toBeNull();
	});

	test("goods and services without booking must not have one", async () => {
		const caller = shopper();
		for (const p of [mug, coaching]) {
			const res = await add(caller, { variantId: variantId(p), slot: hour(2) });
			expect(res.status).toBe(422);
			expect((await body<Problem>(res)).errors?.[0]).toEqual({
				path: "slot",
				message: "this item is not booked for a time; leave the slot out",
			});
		}
		expect((await cartOf(caller)).lines).toEqual([]);
		// Without a slot they go in as before.
		expect((await add(caller, { variantId: variantId(coaching) })).status).toBe(200);
		expect((await cartOf(caller)).lines.map((l) => [l.variantId, l.slot])).toEqual([[variantId(coaching), null]]);
	});

	test("past, off-the-hour, too far ahead: 422; not a date-time at all: 400; nothing changes", async () => {
		const caller = shopper();
		await add(caller, { variantId: variantId(mug) });
		const before = await cartOf(caller);
		const cases: [string, number, string][] = [
			[hour(-1), 422, "that time has passed; choose a later one"],
			[
				new Date(Date.parse(hour(3)) + 30 * 60_000).toISOString(),
				422,
				"appointments start on the hour (UTC), e.g. 10:00",
			],
			[hour(91 * 24), 422, "appointments can be booked up to 90 days ahead"],
			["2026-13-01T10:00:00Z", 400, ""],
			["tomorrow at ten", 400, ""],
			["2026-12-01T10:00:00", 400, ""],
		];
		for (const [slot, status, message] of cases) {
			const res = await add(caller, { variantId: variantId(massage), slot });
			expect(res.status, slot).toBe(status);
			const problem = await body<Problem>(res);
			if (message) expect(problem.errors).toEqual([{ path: "slot", message }]);
			else expect(problem.errors?.some((e) => e.path === "slot")).toBe(true);
		}
		const after = await cartOf(caller);
		expect(after.revision).toBe(before.revision);
		expect(after.lines.map((l) => l.variantId)).toEqual([variantId(mug)]);
	});

	test("one slot has one spelling: with or without milliseconds, the same line", async () => {
		const caller = shopper();
		const utc = hour(5);
		expect((await add(caller, { variantId: variantId(massage), slot: utc })).status).toBe(200);
		const res = await add(caller, { variantId: variantId(massage), slot: utc.replace(".000Z", "Z") });
		expect(res.status, await res.clone().text()).toBe(200);
		const cart = await body<Cart>(res);
		expect(cart.lines).toHaveLength(1);
		expect(cart.lines[0]).toMatchObject({ slot: utc, quantity: 2 });
	});
});

describe("booked lines", () => {
	test("two slots of one service are two lines; the same slot again adds to its line", async () => {
		const caller = shopper();
		const [ten, eleven] = [hour(10), hour(11)];
		await add(caller, { variantId: variantId(massage), slot: ten });
		await add(caller, { variantId: variantId(massage), slot: eleven });
		const cart = await body<Cart>(await add(caller, { variantId: variantId(massage), slot: ten }));
		expect(cart.lines.map((l) => [l.slot, l.quantity])).toEqual([
			[ten, 2],
			[eleven, 1],
		]);
		expect(lineAt(cart, variantId(massage), ten)).toMatchObject({
			sku: "MASSAGE-60",
			kind: "service",
			unitPrice: { amount: 8000, currency: "EUR" },
			lineTotal: { amount: 16_000, currency: "EUR" },
			// Capacity 2: both places of this hour are in the cart, none held yet.
			available: true,
			status: "low_stock",
			availableQuantity: 2,
			message: "only 2 places left at this time",
		});
		expect(cart.subtotal.amount).toBe(24_000);
		expect(cart.itemCount).toBe(3);
		// A third place at ten o'clock is more than the slot holds.
		const full = await add(caller, { variantId: variantId(massage), slot: ten });
		expect(full.status).toBe(409);
		expect((await body<Problem>(full)).detail).toContain("only 2 places left at this time");
	});

	test("PATCH and DELETE name the line by ?slot=; without it they reach only the unbooked line", async () => {
		const caller = shopper();
		const [a, b] = [hour(20), hour(21)];
		await add(caller, { variantId: variantId(massage), slot: a });
		await add(caller, { variantId: variantId(massage), slot: b });
		const path = (slot?: string) =>
			`/cart/lines/${variantId(massage)}${slot === undefined ? "" : `?slot=${encodeURIComponent(slot)}`}`;

		let res = await h.call("PATCH", path(b), { caller, body: { quantity: 2 } });
		expect(res.status).toBe(200);
		let cart = await body<Cart>(res);
		expect(cart.lines.map((l) => [l.slot, l.quantity])).toEqual([
			[a, 1],
			[b, 2],
		]);
		// No slot names the variant's unbooked line, which it has none of.
		expect((await h.call("PATCH", path(), { caller, body: { quantity: 1 } })).status).toBe(404);
		expect((await h.call("DELETE", path(), { caller })).status).toBe(404);
		// A slot the cart does not hold: 404. Not a date-time: 400.
		expect((await h.call("DELETE", path(hour(22)), { caller })).status).toBe(404);
		res = await h.call("DELETE", `/cart/lines/${variantId(massage)}?slot=noon`, { caller });
		expect(res.status).toBe(400);
		expect((await body<Problem>(res)).errors).toEqual([
			{ path: "slot", message: "a UTC date-time such as 2026-12-01T10:00:00Z" },
		]);

		// Raising a line is checked against its own slot's capacity (2 places per hour).
		res = await h.call("PATCH", path(a), { caller, body: { quantity: 3 } });
		expect(res.status).toBe(409);
		expect((await body<Problem>(res)).errors).toEqual([
			{ path: "quantity", message: "only 2 places left at this time" },
		]);

		res = await h.call("DELETE", path(a), { caller });
		expect(res.status).toBe(200);
		cart = await body<Cart>(res);
		expect(cart.lines.map((l) => [l.slot, l.quantity])).toEqual([[b, 2]]);
	});

	test("a read re-checks each slot's capacity and warns when it is full (other slots unaffected)", async () => {
		const caller = shopper();
		const [busy, free] = [hour(30), hour(31)];
		await add(caller, { variantId: variantId(massage), slot: busy });
		await add(caller, { variantId: variantId(massage), slot: free });

		// Someone else books one place of the busy hour: one is left, still enough for this line.
		await h.inv.reserve({ orderId: "ord_other_1", lines: [{ sku: "MASSAGE-60", quantity: 1, slot: busy }] });
		let cart = await cartOf(caller);
		expect(lineAt(cart, variantId(massage), busy)).toMatchObject({
			status: "low_stock",
			available: true,
			message: "only 1 place left at this time",
		});
		// And the last place: the slot is full, the line cannot be bought, the cart says so.
		h.resetCounters();
		await h.inv.reserve({ orderId: "ord_other_2", lines: [{ sku: "MASSAGE-60", quantity: 1, slot: busy }] });
		cart = await cartOf(caller);
		expect(h.counters.inventoryCalls).toBe(1);
		expect(lineAt(cart, variantId(massage), busy)).toMatchObject({
			status: "sold_out",
			available: false,
			availableQuantity: 0,
			message: "this time is fully booked",
		});
		expect(lineAt(cart, variantId(massage), free)).toMatchObject({ status: "low_stock", available: true });
		expect(cart.checkoutReady).toBe(false);
		expect(cart.warnings).toContainEqual({
			variantId: variantId(massage),
			slot: busy,
			status: "sold_out",
			message: "this time is fully booked",
		});
		expect(cart.subtotal.amount).toBe(8000);
		// Refused at checkout, naming the line and its slot.
		await expect(cartForCheckout(h.cart.context, customer(caller))).rejects.toMatchObject({
			status: 409,
			errors: [{ path: `${variantId(massage)}@${busy}`, message: "this time is fully booked" }],
		});
	});

	test("a booked time that has passed stops the line being bought", async () => {
		const caller = shopper();
		const soon = hour(1);
		await add(caller, { variantId: variantId(yoga), slot: soon });
		expect(lineAt(await cartOf(caller), variantId(yoga), soon).available).toBe(true);
		h.clock.offsetMs = 2 * HOUR;
		try {
			const cart = await cartOf(caller);
			expect(lineAt(cart, variantId(yoga), soon)).toMatchObject({
				status: "unavailable",
				available: false,
				message: "that time has passed; choose a later one",
			});
			// It can still be removed.
			const path = `/cart/lines/${variantId(yoga)}?slot=${encodeURIComponent(soon)}`;
			expect((await h.call("DELETE", path, { caller })).status).toBe(200);
		} finally {
			h.clock.offsetMs = 0;
		}
	});

	test("checkout lines carry the slot, and the order line's title the booked time", async () => {
		const caller = shopper();
		const slot = "2026-12-01T10:00:00.000Z";
		// Fixed so the title can be spelled out; the clock is put just before it.
		h.clock.offsetMs = Date.parse(slot) - 5 * HOUR - Date.now();
		try {
			await add(caller, { variantId: variantId(yoga), slot });
			await add(caller, { variantId: variantId(mug), quantity: 2 });
			const checkout = await cartForCheckout(h.cart.context, customer(caller));
			expect(checkout.lines.map((l) => [l.sku, l.slot, l.title])).toEqual([
				["YOGA-1", slot, "Private yoga (V1) — Tue 1 Dec 2026, 10:00 UTC"],
				["MUG-S", null, "Mug (V1)"],
			]);
			expect(toOrderLines(checkout).map((l) => l.title)).toEqual([
				"Private yoga (V1) — Tue 1 Dec 2026, 10:00 UTC",
				"Mug (V1)",
			]);
			// Services weigh nothing.
			expect(checkout.weightGrams).toBe(500);
		} finally {
			h.clock.offsetMs = 0;
		}
	});

	test("the ordered lines leave the cart by slot; another slot of the same service stays", async () => {
		const caller = shopper();
		const [a, b] = [hour(40), hour(41)];
		await add(caller, { variantId: variantId(massage), slot: a });
		await add(caller, { variantId: variantId(massage), slot: b });
		const cart = await cartOf(caller);
		await h.cart.removeOrderedLines(cart.id as string, [{ variantId: variantId(massage), quantity: 1, slot: a }]);
		expect((await cartOf(caller)).lines.map((l) => l.slot)).toEqual([b]);
	});
});

describe("merging a guest cart with booked lines", () => {
	test("lines of the same variant and slot are summed; other slots join as their own lines", async () => {
		const caller = shopper();
		const token = randomToken();
		const [ten, eleven] = [hour(50), hour(51)];
		await h.call("POST", "/cart/lines", {
			caller: { user: "", roles: [] },
			token,
			body: { variantId: variantId(massage), slot: ten },
		});
		await h.call("POST", "/cart/lines", {
			caller: { user: "", roles: [] },
			token,
			body: { variantId: variantId(massage), slot: eleven },
		});
		await h.call("POST", "/cart/lines", {
			caller: { user: "", roles: [] },
			token,
			body: { variantId: variantId(mug) },
		});
		await add(caller, { variantId: variantId(massage), slot: ten });

		const merged = await h.cart.mergeGuestIntoCustomer(token, caller.user);
		expect(merged).toMatchObject({ mergedLines: 3, cappedLines: 0, droppedLines: 0 });
		const lines = merged.cart.lines.map((l) => [l.variantId, l.slot, l.quantity]);
		expect(lines).toHaveLength(3);
		expect(lines).toContainEqual([variantId(massage), ten, 2]);
		expect(lines).toContainEqual([variantId(massage), eleven, 1]);
		expect(lines).toContainEqual([variantId(mug), null, 1]);
		// The guest cart is gone; merging again changes nothing.
		expect((await h.cart.mergeGuestIntoCustomer(token, caller.user)).mergedLines).toBe(0);
	});
});

import { afterEach, describe, expect, test } from "bun:test";
import { type Order, OrderList, PaymentConflictPage } from "@bazaar/contracts/order";
import { json } from "../testing/harness";
import { ALICE, BOB, checkout, ORDER_ADMIN, type OrderHarness, orderHarness } from "./testing/fixtures";

// The order lists: staff see every order (by status, time, customer, gateway), a customer only
// their own, both newest first through the shared cursor; support agents read, never write.

let h: OrderHarness;
afterEach(() => h?.close());

const START = Date.parse("2026-11-11T00:00:00.000Z");
const HOUR = 3_600_000;

type Seven = [string, string, string, string, string, string, string];

/** Orders placed an hour apart: Alice's 0–4, Bob's 5–6; 1 and 5 paid by stripe, 3 by sandbox. */
async function placed() {
	let now = START;
	h = await orderHarness({ now: () => now });
	const orders: Order[] = [];
	for (let i = 0; i < 7; i++) {
		now = START + i * HOUR;
		const customer = i < 5 ? ALICE : BOB;
		orders.push((await h.orders.placeOrder(checkout({ customerId: customer.user }))).order);
	}
	for (const [i, gateway] of [
		[1, "stripe"],
		[5, "stripe"],
		[3, "sandbox"],
	] as const) {
		const o = orders[i] as Order;
		const paid = await h.orders.markPaid({
			orderId: o.id,
			paymentId: `pay_${i}`,
			gateway,
			reference: `ref_${i}`,
			amount: { amount: o.total, currency: o.currency },
		});
		expect(paid.result).toBe("paid");
	}
	return orders.map((o) => o.id) as Seven;
}

const list = async (path: string, caller = ORDER_ADMIN) => {
	const res = await h.call("GET", path, { caller });
	expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
	return OrderList.parse(await json(res));
};

describe("staff order list", () => {
	test("pages newest first over every customer's orders, with the cursor it gave out", async () => {
		const ids = await placed();
		const seen: string[] = [];
		let cursor: string | null = null;
		let pages = 0;
		do {
			const page: OrderList = await list(`/orders/admin?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
			expect(page.items.length).toBeLessThanOrEqual(3);
			seen.push(...page.items.map((o) => o.id));
			cursor = page.nextCursor;
			pages++;
		} while (cursor);
		expect(pages).toBe(3);
		expect(seen).toEqual([...ids].reverse());
		// The default page is 20, so all seven come at once.
		expect((await list("/orders/admin")).items).toHaveLength(7);
	});

	test("filters by status, creation time, customer and gateway (and their combination)", async () => {
		const ids = await placed();
		const idsOf = async (qs: string) => (await list(`/orders/admin?${qs}`)).items.map((o) => o.id);
		expect(await idsOf("status=paid")).toEqual([ids[5], ids[3], ids[1]]);
		expect(await idsOf(`status=pending_payment&customer=${BOB.user}`)).toEqual([ids[6]]);
		expect(await idsOf(`customer=${BOB.user}`)).toEqual([ids[6], ids[5]]);
		expect(await idsOf("gateway=stripe")).toEqual([ids[5], ids[1]]);
		expect(await idsOf(`gateway=stripe&customer=${ALICE.user}`)).toEqual([ids[1]]);
		// from is inclusive, to exclusive; a bare date means its midnight (UTC).
		expect(await idsOf("from=2026-11-11T02:00:00Z&to=2026-11-11T04:00:00Z")).toEqual([ids[3], ids[2]]);
		expect(await idsOf("from=2026-11-11T03:00:00%2B01:00")).toEqual([ids[6], ids[5], ids[4], ids[3], ids[2]]);
		expect(await idsOf("to=2026-11-11")).toEqual([]);
		expect(await idsOf("from=2026-11-12")).toEqual([]);
		// A filtered list pages too.
		const first = await list("/orders/admin?status=pending_payment&limit=2");
		expect(first.items.map((o) => o.id)).toEqual([ids[6], ids[4]]);
		const second = await list(`/orders/admin?status=pending_payment&limit=2&cursor=${first.nextCursor}`);
		expect(second.items.map((o) => o.id)).toEqual([ids[2], ids[0]]);
		expect(second.nextCursor).toBeNull();
		const item = first.items[0];
		expect(item).toMatchObject({ customerId: BOB.user, email: "alice@example.test", itemCount: 3 });
	});

	test("bad limits, cursors and filters are 400 problems", async () => {
		await placed();
		for (const qs of [
			"limit=0",
			"limit=101",
			"limit=ten",
			"limit=-1",
			"cursor=x",
			"cursor=not%20base64",
			`cursor=${btoa(JSON.stringify({ a: 1 }))}`,
			`cursor=${btoa(JSON.stringify([1, 2]))}`,
			"status=lost",
			"from=yesterday",
			"customer=bob",
			"gateway=NOT%20A%20GATEWAY",
			"sort=oldest",
		]) {
			const res = await h.call("GET", `/orders/admin?${qs}`, { caller: ORDER_ADMIN });
			expect(res.status, qs).toBe(400);
			expect(res.headers.get("content-type"), qs).toBe("application/problem+json");
		}
	});

	test("support agents read the list and an order but move nothing; customers are refused", async () => {
		const ids = await placed();
		const agent = { user: "usr_01AGENT00000000000000000000", roles: ["support_agent"] };
		expect((await list("/orders/admin?limit=1", agent)).items).toHaveLength(1);
		expect((await h.call("GET", `/orders/admin/${ids[0]}`, { caller: agent })).status).toBe(200);
		expect((await h.call("POST", `/orders/admin/${ids[0]}/cancel`, { caller: agent })).status).toBe(403);
		expect((await h.call("GET", "/orders/admin/payment-conflicts", { caller: agent })).status).toBe(403);
		expect((await h.orders.getOrder(ids[0])).status).toBe("pending_payment");
		for (const caller of [ALICE, { user: "usr_01MANAGER0000000000000000", roles: ["catalog_manager"] }]) {
			expect((await h.call("GET", "/orders/admin", { caller })).status).toBe(403);
		}
	});
});

describe("a customer's own list", () => {
	test("holds only their orders, newest first, paged with the same cursor", async () => {
		const ids = await placed();
		const mine = await list("/orders?limit=3", ALICE);
		expect(mine.items.map((o) => o.id)).toEqual([ids[4], ids[3], ids[2]]);
		const rest = await list(`/orders?limit=3&cursor=${mine.nextCursor}`, ALICE);
		expect(rest.items.map((o) => o.id)).toEqual([ids[1], ids[0]]);
		expect(rest.nextCursor).toBeNull();
		expect((await list("/orders", BOB)).items.map((o) => o.id)).toEqual([ids[6], ids[5]]);
		// Filters are staff-only: a customer cannot widen their list to someone else's.
		expect((await h.call("GET", `/orders?customer=${BOB.user}`, { caller: ALICE })).status).toBe(400);
	});
});

describe("payment conflicts list", () => {
	test("lists every order's conflicts newest first, open ones on their own, paged", async () => {
		const ids = await placed();
		const paidTwice = await h.orders.getOrder(ids[1]);
		for (const n of [1, 2, 3]) {
			const r = await h.orders.markPaid({
				orderId: paidTwice.id,
				paymentId: `pay_dup${n}`,
				gateway: "stripe",
				reference: `dup${n}`,
				amount: { amount: paidTwice.total, currency: paidTwice.currency },
			});
			expect(r.result).toBe("conflict");
		}
		await h.orders.noteConflictRefund("pay_dup2");
		const get = async (qs: string) => {
			const res = await h.call("GET", `/orders/admin/payment-conflicts?${qs}`, { caller: ORDER_ADMIN });
			expect(res.status, qs).toBe(200);
			return PaymentConflictPage.parse(await json(res));
		};
		const first = await get("limit=2");
		expect(first.items.map((c) => c.paymentId)).toEqual(["pay_dup3", "pay_dup2"]);
		const second = await get(`limit=2&cursor=${first.nextCursor}`);
		expect(second.items.map((c) => c.paymentId)).toEqual(["pay_dup1"]);
		expect(second.nextCursor).toBeNull();
		expect((await get("resolution=open")).items.map((c) => c.paymentId)).toEqual(["pay_dup3", "pay_dup1"]);
		expect((await get("resolution=refund_requested")).items.map((c) => c.paymentId)).toEqual(["pay_dup2"]);
		expect((await h.call("GET", "/orders/admin/payment-conflicts?limit=500", { caller: ORDER_ADMIN })).status).toBe(
			400,
		);
	});
});

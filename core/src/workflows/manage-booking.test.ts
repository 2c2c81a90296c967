import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Caller } from "@bazaar/signature";
import { like, sql } from "drizzle-orm";
import { mailOutbox } from "../identity/schema";
import { json } from "../testing/harness";
import { appointmentService, bookingSold, checkoutBooking, hour } from "./testing/appointment";
import { decideSandbox } from "./testing/journey";
import { checkoutBody, eventually, registerCustomer, type Stack, stack } from "./testing/stack";

// A booked service after the sale, on the composed core: the owner reschedules into another free
// slot or cancels up to the merchant's cut-off; a cancel refunds the line through the refund
// workflow and the place is bookable again at once; races keep every slot's capacity exact.

let s: Stack;
let admin: Caller;
const RUN = Date.now().toString(36).toUpperCase();

interface Booking {
	line: number;
	slot: string;
	status: string;
	sequence: number;
	changeable: boolean;
	changeableUntil: string;
}

beforeAll(async () => {
	s = await stack();
	admin = { user: "usr_admin", roles: ["admin"] };
}, 60_000);
afterAll(async () => {
	await s?.close();
});

async function bookAndPay(shopper: Caller, variantId: string, slot: string) {
	const placed = await checkoutBooking(
		s,
		shopper,
		{ variantId, slot },
		checkoutBody(),
		`bk-${variantId}-${slot}-${Math.random()}`,
	);
	expect((await decideSandbox(s, shopper, placed.payment.redirectUrl, "approve")).status).toBe(200);
	await bookingSold(s, placed.order.reservationId);
	return placed.order;
}

/** The order's refund requests (the admin's view). */
const refundsOf = async (orderId: string) =>
	(
		await json<{ items: { idempotencyKey: string; amount: { amount: number } }[] }>(
			await s.call("GET", `/orders/admin/${orderId}/refunds`, { caller: admin }),
		)
	).items;

/** The order once the gateway's refunds are recorded on it in full. */
const refundedOrder = (shopper: Caller, orderId: string) =>
	eventually(
		async () => {
			const o = await json<{ status: string; refundedAmount: number; total: number }>(
				await s.call("GET", `/orders/${orderId}`, { caller: shopper }),
			);
			return o.status === "refunded" ? o : undefined;
		},
		15_000,
		"the order refunded",
	);

const available = async (sku: string, slot: string) =>
	(await s.core.inventory.availability([{ sku, slot }])).items[0]?.available;

const mailsTo = async (email: string) =>
	(await s.core.identity.identity.database.db.select().from(mailOutbox).where(like(mailOutbox.to, email))).map((m) => ({
		subject: m.subject,
		ics: (m.attachments ?? [])[0]?.content.replace(/\r\n /g, "") ?? "",
	}));

describe("managing a booking", () => {
	test("reschedule: the new slot taken and the old one freed at once, .ics SEQUENCE+1 (same UID), a retry is the same answer; strangers get 404", async () => {
		const sku = `BK-A-${RUN}`;
		const variantId = await appointmentService(s, sku, "Haircut", 2);
		const shopper = await registerCustomer(s, "Rita");
		const from = hour(72);
		const to = hour(75);
		const order = await bookAndPay(shopper, variantId, from);

		const list = await json<{ items: Booking[] }>(
			await s.call("GET", `/orders/${order.id}/bookings`, { caller: shopper }),
		);
		expect(list.items).toHaveLength(1);
		expect(list.items[0]).toMatchObject({ line: 0, slot: from, status: "booked", sequence: 0, changeable: true });
		expect(list.items[0]?.changeableUntil).toBe(new Date(Date.parse(from) - 24 * 3_600_000).toISOString());

		const stranger = await registerCustomer(s, "Mallory");
		for (const [method, path, body] of [
			["GET", `/orders/${order.id}/bookings`, undefined],
			["POST", `/orders/${order.id}/bookings/0/reschedule`, { slot: to }],
			["POST", `/orders/${order.id}/bookings/0/cancel`, undefined],
		] as const) {
			expect((await s.call(method, path, { caller: stranger, body })).status).toBe(404);
		}
		// A guest path with a wrong key: 404 too.
		expect(
			(
				await s.call("POST", `/orders/guest/${order.id}/bookings/0/cancel`, {
					headers: { "x-bazaar-order-key": "nope" },
				})
			).status,
		).toBe(404);
		// Bad input: a problem, nothing changes.
		for (const body of [{ slot: "tomorrow" }, { slot: hour(75).replace(":00:00", ":30:00") }, {}, { slot: to, x: 1 }]) {
			const bad = await s.call("POST", `/orders/${order.id}/bookings/0/reschedule`, { caller: shopper, body });
			expect([400, 422]).toContain(bad.status);
		}
		expect((await s.call("POST", `/orders/${order.id}/bookings/7/cancel`, { caller: shopper })).status).toBe(404);
		expect(await available(sku, from)).toBe(1);

		const moved = await s.call("POST", `/orders/${order.id}/bookings/0/reschedule`, {
			caller: shopper,
			body: { slot: to },
		});
		expect(moved.status).toBe(200);
		const answer = await json<{ booking: Booking; changed: boolean }>(moved);
		expect(answer).toMatchObject({ changed: true, booking: { slot: to, sequence: 1, status: "booked" } });
		expect(await available(sku, from)).toBe(2);
		expect(await available(sku, to)).toBe(1);
		const again = await json<{ changed: boolean }>(
			await s.call("POST", `/orders/${order.id}/bookings/0/reschedule`, { caller: shopper, body: { slot: to } }),
		);
		expect(again.changed).toBe(false);
		expect(await available(sku, to)).toBe(1);

		const mails = (await mailsTo(shopper.email)).filter((m) => m.subject.startsWith("Booking moved"));
		expect(mails).toHaveLength(1);
		expect(mails[0]?.ics).toContain(`UID:${order.id}.0@bazaar\r\n`);
		expect(mails[0]?.ics).toContain("SEQUENCE:1\r\n");
		expect(mails[0]?.ics).toContain("METHOD:REQUEST\r\n");
		expect(mails[0]?.ics).toContain(`DTSTART:${to.replace(/[-:]/g, "").replace(/\.\d{3}/, "")}\r\n`);
		const detail = await json<{ lines: { slot: string; bookingSequence: number }[] }>(
			await s.call("GET", `/orders/${order.id}`, { caller: shopper }),
		);
		expect(detail.lines[0]).toMatchObject({ slot: to, bookingSequence: 1 });
		expect((await s.core.inventory.reconcile([sku])).balanced).toBe(true);
	}, 120_000);

	test("cancel: the place bookable at once, METHOD:CANCEL mailed, the line refunded through the refund workflow (order.booking_cancelled → auto-refunds); a retry refunds nothing more", async () => {
		const sku = `BK-C-${RUN}`;
		const variantId = await appointmentService(s, sku, "Massage", 1);
		const shopper = await registerCustomer(s, "Cora");
		const slot = hour(80);
		const order = await bookAndPay(shopper, variantId, slot);
		expect(await available(sku, slot)).toBe(0);

		const res = await s.call("POST", `/orders/${order.id}/bookings/0/cancel`, { caller: shopper });
		expect(res.status).toBe(200);
		expect(await json<{ booking: Booking; changed: boolean }>(res)).toMatchObject({
			changed: true,
			booking: { status: "cancelled", changeable: false },
		});
		expect(await available(sku, slot)).toBe(1);
		const refunds = await eventually(
			async () => {
				const items = await refundsOf(order.id);
				return items.length > 0 ? items : undefined;
			},
			15_000,
			"the booking's refund asked for",
		);
		expect(refunds).toHaveLength(1);
		expect(refunds[0]?.idempotencyKey).toBe(`booking-cancel:${order.id}:0`);
		const refunded = await refundedOrder(shopper, order.id);
		expect(refunded.refundedAmount).toBe(refunds[0]?.amount.amount ?? -1);

		const retry = await s.call("POST", `/orders/${order.id}/bookings/0/cancel`, { caller: shopper });
		expect(retry.status).toBe(200);
		expect((await json<{ changed: boolean }>(retry)).changed).toBe(false);
		expect(await refundsOf(order.id)).toHaveLength(1);
		// Someone else books the freed place straight away.
		const next = await registerCustomer(s, "Nora");
		await bookAndPay(next, variantId, slot);
		expect(await available(sku, slot)).toBe(0);

		const cancels = (await mailsTo(shopper.email)).filter((m) => m.subject.startsWith("Booking cancelled"));
		expect(cancels).toHaveLength(1);
		expect(cancels[0]?.ics).toContain("METHOD:CANCEL\r\n");
		expect(cancels[0]?.ics).toContain(`UID:${order.id}.0@bazaar\r\n`);
		expect(cancels[0]?.ics).toContain("SEQUENCE:1\r\n");
		expect((await s.core.inventory.reconcile([sku])).balanced).toBe(true);
	}, 120_000);

	test("two slots of one service in one order: each cancel refunds its own line, once; both cancelled, the order is refunded in full", async () => {
		const sku = `BK-2-${RUN}`;
		const variantId = await appointmentService(s, sku, "Sauna", 1);
		const shopper = await registerCustomer(s, "Tove");
		const [first, second] = [hour(90), hour(91)];
		expect((await s.call("POST", "/cart/lines", { caller: shopper, body: { variantId, slot: first } })).status).toBe(
			200,
		);
		const order = await bookAndPay(shopper, variantId, second);
		const lines = (
			await json<{ items: Booking[] }>(await s.call("GET", `/orders/${order.id}/bookings`, { caller: shopper }))
		).items;
		expect(lines.map((b) => b.slot).sort()).toEqual([first, second]);

		for (const [n, b] of lines.entries()) {
			const res = await s.call("POST", `/orders/${order.id}/bookings/${b.line}/cancel`, { caller: shopper });
			expect(res.status).toBe(200);
			expect(await available(sku, b.slot)).toBe(1);
			await eventually(
				async () => ((await refundsOf(order.id)).length === n + 1 ? true : undefined),
				15_000,
				"its refund",
			);
		}
		const refunds = await refundsOf(order.id);
		expect(refunds.map((r) => r.idempotencyKey).sort()).toEqual(
			lines.map((b) => `booking-cancel:${order.id}:${b.line}`).sort(),
		);
		const refunded = await refundedOrder(shopper, order.id);
		expect(refunds.reduce((sum, r) => sum + r.amount.amount, 0)).toBe(refunded.total);
		expect(refunded.refundedAmount).toBe(refunded.total);
	}, 120_000);

	test("staff refunded part of the order by hand before the shopper cancelled: the cancel gives back only what is left, and nothing ends in the dead letters", async () => {
		const sku = `BK-P-${RUN}`;
		const variantId = await appointmentService(s, sku, "Yoga", 1);
		const shopper = await registerCustomer(s, "Pia");
		const order = await bookAndPay(shopper, variantId, hour(95));
		const goodwill = Math.floor(order.total / 3);
		const byHand = await s.call("POST", `/orders/admin/${order.id}/refund`, {
			caller: admin,
			body: { amount: goodwill, reason: "the room was cold" },
			headers: { "idempotency-key": `goodwill-${order.id}` },
		});
		expect(byHand.status).toBe(202);
		await eventually(
			async () => {
				const o = await json<{ refundedAmount: number }>(
					await s.call("GET", `/orders/${order.id}`, { caller: shopper }),
				);
				return o.refundedAmount === goodwill ? true : undefined;
			},
			15_000,
			"the goodwill refund recorded",
		);

		expect((await s.call("POST", `/orders/${order.id}/bookings/0/cancel`, { caller: shopper })).status).toBe(200);
		const refunded = await refundedOrder(shopper, order.id);
		expect(refunded.refundedAmount).toBe(order.total);
		const cancelRefund = (await refundsOf(order.id)).find((r) => r.idempotencyKey === `booking-cancel:${order.id}:0`);
		expect(cancelRefund?.amount.amount).toBe(order.total - goodwill);
		await eventually(
			async () => ((await s.core.bus.pending("auto-refunds")).pending === 0 ? true : undefined),
			15_000,
			"the auto-refunds consumer idle",
		);
		expect((await s.core.bus.deadLetters()).filter((d) => d.group === "auto-refunds")).toEqual([]);
	}, 120_000);

	test("cut-off: past the merchant's cut-off both are refused (409) and nothing changes; the cut-off is the one sold under (a later cancelCutoffHours set through the admin API holds for new orders only)", async () => {
		const sku = `BK-X-${RUN}`;
		const variantId = await appointmentService(s, sku, "Lesson", 3);
		const shopper = await registerCustomer(s, "Xena");
		const slot = hour(10); // inside the default 24 h
		const order = await bookAndPay(shopper, variantId, slot);
		const [booking] = (
			await json<{ items: Booking[] }>(await s.call("GET", `/orders/${order.id}/bookings`, { caller: shopper }))
		).items;
		expect(booking?.changeable).toBe(false);
		const late = await s.call("POST", `/orders/${order.id}/bookings/0/reschedule`, {
			caller: shopper,
			body: { slot: hour(30) },
		});
		expect(late.status).toBe(409);
		expect((await json<{ detail: string }>(late)).detail).toContain("can no longer be rescheduled or cancelled");
		expect((await s.call("POST", `/orders/${order.id}/bookings/0/cancel`, { caller: shopper })).status).toBe(409);
		expect(await available(sku, slot)).toBe(2);

		// The merchant allows changes up to 2 hours before, from now on.
		const [product] = await s.core.catalog.catalog.database.db.all<{ id: string }>(
			sql`SELECT product_id AS id FROM variants WHERE id = ${variantId}`,
		);
		const setCutoff = (hours: number) =>
			s.call("PATCH", `/catalog/admin/products/${product?.id}`, {
				caller: admin,
				body: {
					service: { durationMinutes: 60, billing: "one_time", booking: "appointment", cancelCutoffHours: hours },
				},
			});
		expect((await setCutoff(2)).status).toBe(200);
		const bookingsOf = async (id: string) =>
			(await json<{ items: Booking[] }>(await s.call("GET", `/orders/${id}/bookings`, { caller: shopper }))).items;
		// Xena bought under the 24 h cut-off: that is what holds for her order.
		expect((await bookingsOf(order.id))[0]).toMatchObject({
			changeable: false,
			changeableUntil: new Date(Date.parse(slot) - 24 * 3_600_000).toISOString(),
		});
		expect((await s.call("POST", `/orders/${order.id}/bookings/0/cancel`, { caller: shopper })).status).toBe(409);
		// An order placed now is sold under 2 hours, and keeps it when the merchant tightens it again.
		const second = await bookAndPay(shopper, variantId, slot);
		expect((await setCutoff(48)).status).toBe(200);
		expect((await bookingsOf(second.id))[0]).toMatchObject({
			changeable: true,
			changeableUntil: new Date(Date.parse(slot) - 2 * 3_600_000).toISOString(),
		});
		expect(await available(sku, slot)).toBe(1);
		expect((await s.call("POST", `/orders/${second.id}/bookings/0/cancel`, { caller: shopper })).status).toBe(200);
		expect(await available(sku, slot)).toBe(2);
	}, 120_000);

	test("race: 20 bookings rescheduled at once into a slot with 1 place left → exactly one wins, every capacity exact", async () => {
		const sku = `BK-R-${RUN}`;
		const variantId = await appointmentService(s, sku, "Tour", 1);
		const shopper = await registerCustomer(s, "Rae");
		const orders: string[] = [];
		for (let i = 0; i < 20; i++) orders.push((await bookAndPay(shopper, variantId, hour(100 + i))).id);
		const target = hour(200);
		const answers = await Promise.all(
			orders.map((id) =>
				s.call("POST", `/orders/${id}/bookings/0/reschedule`, { caller: shopper, body: { slot: target } }),
			),
		);
		const statuses = answers.map((r) => r.status).sort();
		expect(statuses.filter((x) => x === 200)).toHaveLength(1);
		expect(statuses.filter((x) => x === 409)).toHaveLength(19);
		expect(await available(sku, target)).toBe(0);
		const stock = await s.core.inventory.getStock(sku);
		expect(stock.rows.find((r) => r.slot === target)).toMatchObject({ sold: 1, onHand: 1, reserved: 0 });
		const sold = stock.rows.reduce((n, r) => n + r.sold, 0);
		expect(sold).toBe(20);
		expect((await s.core.inventory.reconcile([sku])).balanced).toBe(true);
	}, 180_000);

	test("race: cancel and reschedule of the same booking at once → one wins, the other 409s, no place leaks", async () => {
		const sku = `BK-Z-${RUN}`;
		const variantId = await appointmentService(s, sku, "Sauna", 1);
		const shopper = await registerCustomer(s, "Zoe");
		for (let round = 0; round < 3; round++) {
			const from = hour(300 + round * 10);
			const to = hour(305 + round * 10);
			const order = await bookAndPay(shopper, variantId, from);
			const [cancel, move] = await Promise.all([
				s.call("POST", `/orders/${order.id}/bookings/0/cancel`, { caller: shopper }),
				s.call("POST", `/orders/${order.id}/bookings/0/reschedule`, { caller: shopper, body: { slot: to } }),
			]);
			expect([cancel.status, move.status].sort()).toEqual([200, 409]);
			const [b] = (
				await json<{ items: Booking[] }>(await s.call("GET", `/orders/${order.id}/bookings`, { caller: shopper }))
			).items;
			if (cancel.status === 200) {
				expect(b?.status).toBe("cancelled");
				expect([await available(sku, from), await available(sku, to)]).toEqual([1, 1]);
			} else {
				expect(b).toMatchObject({ status: "booked", slot: to });
				expect([await available(sku, from), await available(sku, to)]).toEqual([1, 0]);
			}
		}
		expect((await s.core.inventory.reconcile([sku])).balanced).toBe(true);
	}, 180_000);
});

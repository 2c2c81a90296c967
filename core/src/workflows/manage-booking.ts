import { createHash } from "node:crypto";
import type { VariantSummary } from "@bazaar/contracts";
import {
	type Booking,
	type BookingAnswer,
	type BookingList,
	DEFAULT_CANCEL_CUTOFF_HOURS,
	GUEST_ORDER_KEY_HEADER,
	type OrderDetail,
	type OrderLine,
	REFUNDABLE_STATUSES,
	RescheduleInput,
} from "@bazaar/contracts/order";
import { Hono } from "hono";
import { slotProblem } from "../cart/slot-rules";
import type { IdentityModule } from "../identity/module";
import type { Inventory } from "../inventory/module";
import { ConflictError, NotFoundError, ServiceError, ValidationError } from "../lib/errors";
import { type AppEnv, jsonResponse, readJson } from "../lib/http";
import { calendarInvitation } from "../lib/ics";
import type { OrderModule } from "../order/module";
import { lineRefundAmount } from "../order/pricing/refund-amount";
import { bookingEvent, orderLink } from "./order-mail";
import type { RefundWorkflow } from "./refund";

// The shopper manages a booked service after paying for it (issue 13): reschedule into another
// free slot of the same service, or cancel — both until the merchant's cut-off as sold (the
// service's `cancelCutoffHours` when the order was placed, kept on the line; default 24 h before
// the slot; orders from before it was kept: the service's current one). Only the order's owner: an account's
// order through its signed caller, a guest's through the key of the mailed link (anyone else:
// 404, as for a read).
//
//   reschedule: inventory.moveBooking (the new slot's place taken and the old one given back in
//               ONE transaction, guarded: no double booking) → order.changeBooking (slot, SEQUENCE+1)
//               → mail: the .ics again, same UID, METHOD:REQUEST, the new SEQUENCE
//   cancel:     inventory.cancelBooking (the place bookable again as it commits)
//               → order.changeBooking (cancelled, and order.booking_cancelled in the same write)
//               → mail: METHOD:CANCEL
//               … the auto-refunds consumer → refundCancelled: the refund workflow (the line's
//               price, at most what is left unrefunded, through the order's gateway,
//               Idempotency-Key `booking-cancel:<order>:<line>`),
//               retried with backoff while the gateway fails, so no cancelled booking stays unpaid back
//
// The inventory settles a race (a move and a cancel, or two moves, of one booking): its change is
// conditional on where the booking is, so one wins and the other gets a 409 before anything else
// happens. Every step is idempotent, so a retry after any failure (a lost answer) finishes the
// job: the inventory and the order answer "done already", a mail's id is derived from what it
// says, so it is queued once; the refund's key makes it one refund however often it is asked.

export interface BookingDeps {
	orders: Pick<OrderModule, "getOrder" | "openGuestOrder" | "changeBooking" | "guestKey" | "listRefunds">;
	inventory: Pick<Inventory, "moveBooking" | "cancelBooking">;
	catalog: { variants(ids: string[], currency: string): Promise<Map<string, VariantSummary>> };
	refunds: Pick<RefundWorkflow, "run">;
	identity: Pick<IdentityModule, "queueMail">;
	storefrontUrl: string;
	organizerEmail: string;
	now?: () => number;
}

/** Who asks: a signed-in shopper (their id), or a guest holding the order's link key. */
export type BookingOwner = { userId: string } | { guestKey: string };

export interface BookingWorkflow {
	list(owner: BookingOwner, orderId: string): Promise<BookingList>;
	reschedule(owner: BookingOwner, orderId: string, line: string, body: unknown): Promise<BookingAnswer>;
	cancel(owner: BookingOwner, orderId: string, line: string): Promise<BookingAnswer>;
	/** Refunds a cancelled booked line (the auto-refunds consumer, on order.booking_cancelled). */
	refundCancelled(orderId: string, line: number): Promise<void>;
}

const HOUR_MS = 3_600_000;

export function createBookings(deps: BookingDeps): BookingWorkflow {
	const now = deps.now ?? Date.now;

	const open = (owner: BookingOwner, orderId: string): Promise<OrderDetail> =>
		"userId" in owner
			? deps.orders.getOrder(orderId, owner.userId)
			: deps.orders.openGuestOrder(orderId, owner.guestKey);

	/** Each booked line's cut-off: as sold, or (a line from before it was kept) the service's current one. */
	async function cutoffs(order: OrderDetail): Promise<number[]> {
		const unknown = order.lines.filter((l) => l.slot && l.cancelCutoffHours === undefined).map((l) => l.variantId);
		const variants = unknown.length > 0 ? await deps.catalog.variants(unknown, order.currency) : new Map();
		return order.lines.map(
			(l) => l.cancelCutoffHours ?? variants.get(l.variantId)?.cancelCutoffHours ?? DEFAULT_CANCEL_CUTOFF_HOURS,
		);
	}

	function bookingOf(order: Pick<OrderDetail, "status">, line: OrderLine, index: number, cutoffHours: number): Booking {
		const slot = line.slot as string;
		const until = Date.parse(slot) - cutoffHours * HOUR_MS;
		const status = line.bookingStatus ?? "booked";
		return {
			line: index,
			variantId: line.variantId,
			sku: line.sku,
			title: line.title,
			quantity: line.quantity,
			slot,
			status,
			sequence: line.bookingSequence ?? 0,
			changeableUntil: new Date(until).toISOString(),
			changeable:
				status === "booked" && (REFUNDABLE_STATUSES as readonly string[]).includes(order.status) && now() < until,
		};
	}

	/** The order (its owner's), the booked line asked for, and that booking as it stands. */
	async function load(owner: BookingOwner, orderId: string, lineParam: string) {
		const order = await open(owner, orderId);
		const index = /^\d{1,3}$/.test(lineParam) ? Number(lineParam) : -1;
		const line = order.lines[index];
		if (!line?.slot) throw new NotFoundError("The booking");
		const cutoff = (await cutoffs(order))[index] ?? DEFAULT_CANCEL_CUTOFF_HOURS;
		return { order, index, line, cutoff, booking: bookingOf(order, line, index, cutoff) };
	}

	/** Why the booking cannot be changed now, as a 4xx (checked only when there is a change to make). */
	function refuseUnlessChangeable(order: OrderDetail, booking: Booking): void {
		if (booking.status === "cancelled") throw new ConflictError("This booking was cancelled.");
		if (!(REFUNDABLE_STATUSES as readonly string[]).includes(order.status)) {
			throw new ConflictError(`The order is ${order.status}; its bookings cannot be changed.`);
		}
		if (!booking.changeable) {
			throw new ServiceError(
				409,
				`Bookings can be changed until ${booking.changeableUntil}; this one can no longer be rescheduled or cancelled.`,
			);
		}
	}

	async function mail(order: OrderDetail, line: OrderLine, index: number, method: "REQUEST" | "CANCEL") {
		const sequence = (line.bookingSequence ?? 0) + (method === "CANCEL" ? 1 : 0);
		const when = new Date(line.slot as string).toUTCString();
		const link = orderLink(deps, order);
		const what = method === "CANCEL" ? `cancelled: ${line.title}, ${when}` : `moved: ${line.title} is now ${when}`;
		const id = createHash("sha256").update(`booking:${order.id}:${index}:${method}:${sequence}`).digest("hex");
		await deps.identity.queueMail({
			id: `mail_bk${id.slice(0, 32)}`,
			to: order.email,
			subject: method === "CANCEL" ? `Booking cancelled — order ${order.id}` : `Booking moved — order ${order.id}`,
			text: [`Your booking was ${what}.`, "", `Your order: ${link}`].join("\n"),
			attachments: [
				{
					filename: `booking-${index + 1}.ics`,
					contentType: `text/calendar; charset=utf-8; method=${method}`,
					content: calendarInvitation(
						method,
						bookingEvent(deps, order, { slot: line.slot as string, title: line.title }, index, sequence),
					),
				},
			],
		});
	}

	return {
		async list(owner, orderId) {
			const order = await open(owner, orderId);
			const cut = await cutoffs(order);
			return {
				items: order.lines.flatMap((l, i) =>
					l.slot ? [bookingOf(order, l, i, cut[i] ?? DEFAULT_CANCEL_CUTOFF_HOURS)] : [],
				),
			};
		},

		async reschedule(owner, orderId, lineParam, body) {
			const { slot: to } = RescheduleInput.parse(body);
			const { order, index, line, cutoff, booking } = await load(owner, orderId, lineParam);
			const actor = order.customerId;
			if (booking.status === "booked" && line.slot === to) {
				// Already there (a retry whose answer was lost): the mail of that revision once.
				if (booking.sequence > 0) await mail(order, line, index, "REQUEST");
				return { booking, changed: false };
			}
			refuseUnlessChangeable(order, booking);
			const problem = slotProblem({ kind: "service", booking: "appointment" } as VariantSummary, to, now());
			if (problem)
				throw new ValidationError(`That time cannot be booked: ${problem}.`, [{ path: "slot", message: problem }]);
			const from = line.slot as string;
			await deps.inventory.moveBooking({ reservationId: order.reservationId, sku: line.sku, slot: from, actor }, to);
			const changed = await deps.orders.changeBooking(order.id, index, { kind: "reschedule", from, to }, { actor });
			await mail(order, changed.line, index, "REQUEST");
			return { booking: bookingOf(changed.order, changed.line, index, cutoff), changed: true };
		},

		async cancel(owner, orderId, lineParam) {
			const { order, index, line, cutoff, booking } = await load(owner, orderId, lineParam);
			const actor = order.customerId;
			let current: { order: Pick<OrderDetail, "status">; line: OrderLine; changed: boolean } = {
				order,
				line,
				changed: false,
			};
			if (booking.status !== "cancelled") {
				refuseUnlessChangeable(order, booking);
				const slot = line.slot as string;
				await deps.inventory.cancelBooking({ reservationId: order.reservationId, sku: line.sku, slot, actor });
				const changed = await deps.orders.changeBooking(order.id, index, { kind: "cancel", slot }, { actor });
				current = { order: changed.order, line: changed.line, changed: true };
			}
			await mail(order, current.line, index, "CANCEL");
			return { booking: bookingOf(current.order, current.line, index, cutoff), changed: current.changed };
		},

		async refundCancelled(orderId, index) {
			const order = await deps.orders.getOrder(orderId);
			const line = order.lines[index];
			if (!line?.slot || line.bookingStatus !== "cancelled") throw new NotFoundError("The cancelled booking");
			// Nothing was taken, or everything is back already (an admin refunded the whole order).
			if (!order.paymentId || order.total === 0 || order.status === "refunded") return;
			// What this line cost (its discounts and tax), as an amount: two slots of one service are two
			// lines of the same variant, which a refund by variant could not tell apart.
			const amount = lineRefundAmount({ lines: [line], taxRateBp: order.taxRateBp }, [
				{ variantId: line.variantId, quantity: line.quantity },
			]);
			const key = `booking-cancel:${order.id}:${index}`;
			// Never more than is left to give back: staff may have refunded part of the order by hand
			// before the shopper cancelled. A retry asks again for what the first try asked (the key's
			// request), so a refund landing in between cannot change the amount under the same key.
			const requests = await deps.orders.listRefunds(order.id);
			const asked = requests.find((r) => r.idempotencyKey === key)?.amount.amount;
			const byOthers = requests
				.filter((r) => r.idempotencyKey !== key && r.status !== "failed")
				.reduce((sum, r) => sum + r.amount.amount, 0);
			const left = order.total - Math.max(byOthers, order.refundedAmount);
			const refund = asked ?? Math.min(amount, left);
			if (refund <= 0) return;
			await deps.refunds.run({ user: order.customerId, roles: [] }, order.id, key, {
				amount: refund,
				reason: `booking of ${line.title} at ${line.slot} cancelled by the customer`,
			});
		},
	};
}

/**
 * The shopper's booking routes: under /orders (the signed-in caller owns the order) and under
 * /orders/guest (the link's key in `x-bazaar-order-key`). Mount both before the order module's
 * own /orders routes.
 */
export function bookingRoutes(bookings: BookingWorkflow): { account: Hono<AppEnv>; guest: Hono<AppEnv> } {
	const account = new Hono<AppEnv>();
	const me = (c: { get(key: "caller"): { user: string } }): BookingOwner => {
		const user = c.get("caller").user;
		if (!user) throw new ServiceError(401, "This needs a signed-in user.");
		return { userId: user };
	};
	account.get("/:id/bookings", async (c) => jsonResponse(await bookings.list(me(c), c.req.param("id"))));
	account.post("/:id/bookings/:line/reschedule", async (c) =>
		jsonResponse(
			await bookings.reschedule(me(c), c.req.param("id"), c.req.param("line"), readJson(c, RescheduleInput)),
		),
	);
	account.post("/:id/bookings/:line/cancel", async (c) =>
		jsonResponse(await bookings.cancel(me(c), c.req.param("id"), c.req.param("line"))),
	);

	const guest = new Hono<AppEnv>();
	const key = (c: { req: { header(name: string): string | undefined } }): BookingOwner => {
		const k = c.req.header(GUEST_ORDER_KEY_HEADER);
		if (!k) throw new NotFoundError("The order");
		return { guestKey: k };
	};
	guest.get("/:id/bookings", async (c) => jsonResponse(await bookings.list(key(c), c.req.param("id"))));
	guest.post("/:id/bookings/:line/reschedule", async (c) =>
		jsonResponse(
			await bookings.reschedule(key(c), c.req.param("id"), c.req.param("line"), readJson(c, RescheduleInput)),
		),
	);
	guest.post("/:id/bookings/:line/cancel", async (c) =>
		jsonResponse(await bookings.cancel(key(c), c.req.param("id"), c.req.param("line"))),
	);
	return { account, guest };
}

import { GuestId, SLOT_STEP_MINUTES } from "@bazaar/contracts/cart";
import { type OrderDetail, OrderEventData } from "@bazaar/contracts/order";
import { formatMoney } from "@bazaar/money";
import { type Bus, RetryLater, type SubscribeOptions } from "../bus";
import { escapeHtml } from "../identity/mail-html";
import type { MailAttachment } from "../identity/mail-transport";
import type { IdentityModule } from "../identity/module";
import { type CalendarEvent, calendarInvitation } from "../lib/ics";
import type { OrderModule } from "../order/module";
import { type DigitalWorkflow, deliveryMailPart } from "./digital-delivery";

// order.paid → the confirmation mail: what was bought, what it cost, and the way back to the
// order — the account's order page, or for a guest the signed link (guest-orders.ts) that is the
// guest's only key to it. One message per order (its id is the order's), so a redelivered event
// queues nothing new. A booked service's lines add a calendar invitation (.ics, METHOD:REQUEST).
//
// Digital goods ride in this same mail: it is sent only once every download link and licence
// key of the order exists (the digital workflow's deliverPaid, idempotent, issues what is
// missing; a line that must wait — no file uploaded yet — holds the mail back with RetryLater,
// which never dead-letters). Waiting, rather than mailing now and mailing the links later,
// is what makes it exactly one mail that always carries them: its id is the order's, so a
// redelivery after the mail was queued finds it queued and adds nothing.

export const ORDER_MAIL_GROUP = "order-mail";

export interface OrderMailDeps {
	orders: Pick<OrderModule, "getOrder" | "guestKey">;
	identity: Pick<IdentityModule, "queueMail">;
	storefrontUrl: string;
	/** Who the calendar invitations come from (the shop's From address). */
	organizerEmail: string;
	/** Digital goods: their links and keys go in the confirmation (none without it). */
	digital?: Pick<DigitalWorkflow, "deliverPaid" | "issued">;
}

/** Where the order's owner opens it: the account page, or the guest's signed link. */
export function orderLink(deps: Pick<OrderMailDeps, "orders" | "storefrontUrl">, order: OrderDetail): string {
	if (!GuestId.safeParse(order.customerId).success) {
		return new URL(`/account/orders/${order.id}`, deps.storefrontUrl).toString();
	}
	const link = new URL(`/orders/guest/${order.id}`, deps.storefrontUrl);
	link.searchParams.set("key", deps.orders.guestKey(order));
	return link.toString();
}

/** The outbox id of an order's confirmation: `mail_` + the order id's ULID. */
export const confirmationMailId = (orderId: string) => `mail_${orderId.slice(orderId.indexOf("_") + 1)}`;

export function confirmationMail(
	deps: Pick<OrderMailDeps, "orders" | "storefrontUrl">,
	order: OrderDetail,
	/** Extra paragraphs (the links and keys of digital goods). */
	extra: { text: string[]; html: string[] } = { text: [], html: [] },
) {
	const money = (amount: number) => formatMoney({ amount, currency: order.currency });
	const link = orderLink(deps, order);
	const guest = GuestId.safeParse(order.customerId).success;
	const lines = order.lines.map((l) => `${l.quantity} × ${l.title} — ${money(l.lineTotal)}`);
	const keep = guest
		? "Keep this mail: its link is your way back to the order. Sign up with this address to see it in an account."
		: "You can see it any time in your account.";
	return {
		to: order.email,
		subject: `Your Bazaar order ${order.id}`,
		text: [
			"Thank you for your order.",
			"",
			...lines,
			`Total paid: ${money(order.total)}`,
			"",
			...(extra.text.length > 0 ? [...extra.text, ""] : []),
			`Your order: ${link}`,
			keep,
		].join("\n"),
		html: [
			"<p>Thank you for your order.</p>",
			`<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>`,
			`<p>Total paid: <strong>${escapeHtml(money(order.total))}</strong></p>`,
			...extra.html,
			`<p><a href="${escapeHtml(link)}">See your order ${escapeHtml(order.id)}</a></p>`,
			`<p>${escapeHtml(keep)}</p>`,
		].join("\n"),
	};
}

export function subscribeOrderMail(bus: Bus, deps: OrderMailDeps, tuning: SubscribeOptions = {}): void {
	bus.subscribe(
		ORDER_MAIL_GROUP,
		["order.paid"],
		async (event) => {
			const { orderId } = OrderEventData.parse(event.data);
			const owed = deps.digital ? await deps.digital.deliverPaid(orderId) : null;
			if (owed && !owed.complete) {
				throw new RetryLater(`the confirmation of ${orderId} waits for ${owed.waiting.join("; ")}`);
			}
			const got = deps.digital && owed && owed.lines.length > 0 ? await deps.digital.issued(orderId) : null;
			const order = await deps.orders.getOrder(orderId);
			await deps.identity.queueMail({
				id: confirmationMailId(order.id),
				...confirmationMail(deps, order, got ? deliveryMailPart(got, deps.storefrontUrl) : undefined),
				attachments: bookingInvitations(deps, order, "REQUEST", 0),
			});
		},
		{ maxDeliveries: 20, ...tuning },
	);
}

/** A booked line's calendar event: its UID names the booking (order + line), stable across revisions. */
export function bookingEvent(
	deps: Pick<OrderMailDeps, "organizerEmail">,
	order: Pick<OrderDetail, "id" | "email">,
	line: { slot: string; title: string },
	index: number,
	sequence: number,
	now = new Date(),
): CalendarEvent {
	const start = new Date(line.slot);
	return {
		uid: `${order.id}.${index}@bazaar`,
		sequence,
		start,
		end: new Date(start.getTime() + SLOT_STEP_MINUTES * 60_000),
		summary: line.title,
		description: `Booked with order ${order.id}.`,
		organizer: { name: "Bazaar", email: deps.organizerEmail },
		attendee: order.email,
		stamp: now,
	};
}

/** One invitation per booked line of the order (none for an order without bookings). */
export function bookingInvitations(
	deps: Pick<OrderMailDeps, "organizerEmail">,
	order: OrderDetail,
	method: "REQUEST" | "CANCEL",
	sequence: number,
): MailAttachment[] {
	return order.lines.flatMap((line, i) =>
		line.slot
			? [
					{
						filename: `booking-${i + 1}.ics`,
						contentType: `text/calendar; charset=utf-8; method=${method}`,
						content: calendarInvitation(
							method,
							bookingEvent(deps, order, { slot: line.slot, title: line.title }, i, sequence),
						),
					},
				]
			: [],
	);
}

/** The address of a From header (`Bazaar <shop@example.com>` → `shop@example.com`). */
export const emailOf = (from: string) => /<([^>]+)>/.exec(from)?.[1] ?? from.trim();

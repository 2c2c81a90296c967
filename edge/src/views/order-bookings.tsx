import { slotLabel } from "@bazaar/contracts/cart";
import type { BookingList } from "@bazaar/contracts/order";
import { Csrf } from "./account-pages";

// An order's booked services: when each is, and — until the merchant's cut-off — a form to move
// it to another hour of the same service and one to cancel it (the auto-refunds consumer refunds it). Past the cut-off, or
// once cancelled, no buttons: the core would refuse them anyway (409).

export function OrderBookingsSection(props: {
	bookings: BookingList | null;
	/** Where the forms post: /account/orders/<id> or /orders/guest/<id>. */
	base: string;
	csrf: string;
	/** The guest's link key, sent back with each form. */
	guestKey?: string | undefined;
}) {
	const items = props.bookings?.items ?? [];
	if (items.length === 0) return null;
	const key = props.guestKey ? <input type="hidden" name="key" value={props.guestKey} /> : null;
	return (
		<section class="order-bookings" data-testid="order-bookings">
			<h2>Your bookings</h2>
			<ul>
				{items.map((b) => (
					<li data-testid={`booking-${b.line}`}>
						<strong>{b.title}</strong> — <time datetime={b.slot}>{slotLabel(b.slot)}</time>
						{b.status === "cancelled" ? (
							<span data-testid="booking-status"> — cancelled; its price is refunded to how you paid</span>
						) : b.changeable ? (
							<>
								<p>
									You can move or cancel it until{" "}
									<time datetime={b.changeableUntil}>{slotLabel(b.changeableUntil)}</time>.
								</p>
								<form action={`${props.base}/bookings/${b.line}/reschedule`} method="post" class="booking-reschedule">
									<Csrf token={props.csrf} />
									{key}
									<label>
										New time (UTC){" "}
										<input type="datetime-local" name="slot" step="3600" required data-testid="booking-slot" />
									</label>{" "}
									<button type="submit">Move this booking</button>
								</form>
								<form action={`${props.base}/bookings/${b.line}/cancel`} method="post" class="booking-cancel">
									<Csrf token={props.csrf} />
									{key}
									<button type="submit">Cancel this booking</button>
								</form>
							</>
						) : (
							<p data-testid="booking-closed">
								It can no longer be moved or cancelled online (changes closed{" "}
								<time datetime={b.changeableUntil}>{slotLabel(b.changeableUntil)}</time>).
							</p>
						)}
					</li>
				))}
			</ul>
		</section>
	);
}

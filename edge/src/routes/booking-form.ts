import type { Caller } from "@bazaar/signature";
import { slotFromForm } from "../cart/form-input";
import { orders } from "../lib/orders";

/**
 * A booking form's change (the account's and the guest's order pages) sent to the core: a move to
 * the form's new time, or a cancel; with `key`, a guest's order by its link. `result` is null when
 * the new time is not a date and time (nothing was asked); `done` names the change for the page's
 * notice and `refusal` says why it did not happen.
 */
export async function changeBookingFromForm(
	env: Env,
	caller: Caller,
	id: string,
	line: number,
	action: string,
	slotField: string | undefined,
	key?: string,
) {
	const reschedule = action === "reschedule";
	const slot = reschedule ? slotFromForm(slotField ?? "") : null;
	const result = reschedule
		? slot
			? await orders.reschedule(env, caller, id, line, slot, key)
			: null
		: await orders.cancelBooking(env, caller, id, line, key);
	const refusal =
		result && !result.ok ? (result.problem.detail ?? result.problem.title) : "That new time is not a date and time.";
	return { result, done: reschedule ? "rescheduled" : "booking-cancelled", refusal };
}

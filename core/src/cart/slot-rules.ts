import type { VariantSummary } from "@bazaar/contracts";
import { MAX_SLOT_DAYS_AHEAD, needsSlot, SLOT_STEP_MINUTES } from "@bazaar/contracts/cart";

// Services booked by appointment are stocked per time slot (the inventory's `capacity` policy),
// so their lines name a slot; nothing else may. The cart keeps the slot as the inventory spells
// it (ISO UTC, normalised by the Slot schema); '' stands for "no slot" in the table.

const STEP_MS = SLOT_STEP_MINUTES * 60_000;
const AHEAD_MS = MAX_SLOT_DAYS_AHEAD * 86_400_000;

/** The table's spelling of a line's slot. */
export const slotIn = (slot: string | null | undefined) => slot ?? "";
export const slotOut = (slot: string) => (slot === "" ? null : slot);

/** Whether the line names a slot exactly when the variant is sold per slot: what is wrong, or null. */
export function slotMismatch(variant: VariantSummary, slot: string | null): string | null {
	if (needsSlot(variant)) return slot === null ? "choose a time for this appointment" : null;
	return slot === null ? null : "this item is not booked for a time; leave the slot out";
}

/**
 * What is wrong with booking `variant` at `slot` at time `now`, or null. Checked when a line is
 * added and on every read, so a booked time that has passed stops the line being bought.
 * Slots start on the hour (SLOT_STEP_MINUTES), whatever the service's duration: one grid for
 * every service keeps the storefront's time picker (step 3600) and the inventory's slots aligned.
 */
export function slotProblem(variant: VariantSummary, slot: string | null, now: number): string | null {
	const mismatch = slotMismatch(variant, slot);
	if (mismatch || slot === null) return mismatch;
	const at = Date.parse(slot);
	if (at <= now) return "that time has passed; choose a later one";
	if (at > now + AHEAD_MS) return `appointments can be booked up to ${MAX_SLOT_DAYS_AHEAD} days ahead`;
	if (at % STEP_MS !== 0) return "appointments start on the hour (UTC), e.g. 10:00";
	return null;
}

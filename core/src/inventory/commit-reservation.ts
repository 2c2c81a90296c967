import type { Reservation } from "@bazaar/contracts/inventory";
import type { InventoryContext } from "./context";
import { settleReservation } from "./transition";

/**
 * On payment: the held units become sold. A repeat (a replayed webhook) answers the committed
 * reservation again; a reservation already released or expired cannot be committed (409) — the
 * order must reserve again. An active reservation past its expiry that the sweeper has not
 * reached yet still commits: its units were held all along, so nothing is oversold.
 */
export function commitReservation(ctx: InventoryContext, id: string): Promise<Reservation> {
	return settleReservation(ctx, id, { to: "committed", repeatOf: ["committed"], verb: "committed" });
}

import type { Reservation } from "@bazaar/contracts/inventory";
import type { InventoryContext } from "./context";
import { settleReservation } from "./transition";

/**
 * On cancel: the held units become available again. Releasing a reservation that is already
 * released or expired changes nothing and answers it as it stands; a committed one is sold
 * (409): giving sold units back is a return, not a release.
 */
export function releaseReservation(ctx: InventoryContext, id: string): Promise<Reservation> {
	return settleReservation(ctx, id, { to: "released", repeatOf: ["released", "expired"], verb: "released" });
}

import { ExternalId, type Reservation } from "@bazaar/contracts/inventory";
import { NotFoundError } from "../lib/errors";
import type { InventoryContext } from "./context";
import { loadReservation } from "./records";

export async function getReservation(ctx: InventoryContext, id: string): Promise<Reservation> {
	const found = ExternalId.safeParse(id).success ? await loadReservation(ctx.database.db, id) : null;
	if (!found) throw new NotFoundError(`Reservation ${id.slice(0, 64)}`);
	return found;
}

import { ListShipmentsQuery, type ShipmentList } from "@bazaar/contracts/fulfillment";
import { toPage } from "@bazaar/contracts/list";
import { sql } from "drizzle-orm";
import { olderThan, whereAll } from "../lib/keyset";
import type { FulfillmentContext } from "./context";
import { SHIPMENT_COLUMNS, type ShipmentRecord, toShipment, withHistory } from "./records";

// Staff: shipments newest first with their history, one query for the page and one for the
// histories (keyset on (created_at, id)); `status=pending&kind=parcel` is the dispatch queue.

export async function listShipments(
	ctx: FulfillmentContext,
	query: Partial<ListShipmentsQuery> = {},
): Promise<ShipmentList> {
	const q = ListShipmentsQuery.parse(query);
	const rows = await ctx.database.db.all<ShipmentRecord>(sql`SELECT ${SHIPMENT_COLUMNS} FROM shipments${whereAll([
		q.orderId ? sql`order_id = ${q.orderId}` : undefined,
		q.status ? sql`status = ${q.status}` : undefined,
		q.kind ? sql`kind = ${q.kind}` : undefined,
		olderThan(q.cursor, sql`created_at`, sql`id`),
	])}
		ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}`);
	const page = toPage(rows, q.limit, (r) => [r.createdAt, r.id], toShipment);
	return { items: await withHistory(ctx.database.db, page.items), nextCursor: page.nextCursor };
}

import { Reconciliation } from "@bazaar/contracts/inventory";
import { Hono } from "hono";
import { z } from "zod";
import { canRead } from "../console/access";
import { adminCall } from "../console/admin-call";
import { consolePage, staff } from "../console/page";
import type { AppContext, AppEnv } from "../env";
import { DashboardPage, type DashboardTiles } from "../views/console-dashboard";

// The dashboard: what needs a person today. Each figure is read from the admin API only when the
// staff member's roles open its section, and a figure that could not be read shows as unknown
// instead of failing the page.

export const consoleDashboard = new Hono<AppEnv>();

/** Units available at or below this count as low stock. */
export const LOW_STOCK = 5;

const Items = z.object({ items: z.array(z.unknown()) });

consoleDashboard.get("/", async (c) => {
	const session = staff(c);
	const tiles: DashboardTiles = {};
	await Promise.all([lowStock(c, tiles), deadLetters(c, tiles)]);
	return consolePage(c, 200, <DashboardPage roles={session.roles} csrf={session.csrf} tiles={tiles} />);
});

async function lowStock(c: AppContext, tiles: DashboardTiles) {
	if (!canRead(staff(c).roles, "stock")) return;
	const answer = await adminCall(c, Reconciliation, "GET", "/inventory/reconcile");
	if (!answer.ok) return;
	tiles.lowStock = answer.value.rows
		.filter((r) => r.bounded && r.slot === null && (r.available ?? 0) <= LOW_STOCK)
		.map((r) => ({ sku: r.sku, warehouse: r.warehouse, available: r.available ?? 0 }))
		.sort((a, b) => a.available - b.available);
}

async function deadLetters(c: AppContext, tiles: DashboardTiles) {
	if (!canRead(staff(c).roles, "operations")) return;
	const answer = await adminCall(c, Items, "GET", "/bus/dead-letters");
	if (answer.ok) tiles.deadLetters = answer.value.items.length;
}

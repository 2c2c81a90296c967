import { join } from "node:path";
import type { Caller } from "@bazaar/signature";
import { Hono } from "hono";
import { type AppEnv, notFound, onError, requireSignature } from "../../lib/http";
import { SECRET, tempDir } from "../../testing/harness";
import { signedInit } from "../../testing/signed-init";
import { type Inventory, type InventoryOptions, openInventory } from "../module";
import { inventoryAdminRoutes, inventoryRoutes } from "../routes";

// Test fixtures on real parts: a temporary libSQL file, the real routes behind the real
// signature check, signed calls as another core module or the edge would make them.

export const SERVICE: Caller = { user: "order-service", roles: ["service"] };
export const INV_ADMIN: Caller = { user: "alice-admin", roles: ["admin"] };
export const CUSTOMER: Caller = { user: "usr_1", roles: ["customer"] };

export interface InventoryHarness {
	dir: string;
	url: string;
	inv: Inventory;
	app: Hono<AppEnv>;
	call(method: string, path: string, init?: { body?: unknown; caller?: Caller }): Promise<Response>;
	close(): Promise<void>;
}

export async function inventoryHarness(options: Partial<InventoryOptions> = {}): Promise<InventoryHarness> {
	const dir = tempDir("bazaar-inventory-");
	const url = options.url ?? `file:${join(dir, "inventory.db")}`;
	const inv = await openInventory({ ...options, url });
	const app = new Hono<AppEnv>();
	app.use("*", requireSignature(SECRET));
	app.route("/inventory/admin", inventoryAdminRoutes(inv));
	app.route("/inventory", inventoryRoutes(inv));
	app.notFound(notFound);
	app.onError(onError);
	return {
		dir,
		url,
		inv,
		app,
		async call(method, path, init = {}) {
			return app.request(path, await signedInit(method, path, init, SERVICE));
		},
		close: () => inv.stop(),
	};
}

/** A future time slot (services refuse slots that have started). */
export function futureSlot(hoursAhead: number): string {
	const d = new Date(Date.now() + hoursAhead * 3_600_000);
	d.setUTCMinutes(0, 0, 0);
	return d.toISOString();
}

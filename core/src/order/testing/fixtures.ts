import { join } from "node:path";
import type { PlaceOrderInput } from "@bazaar/contracts/order";
import type { Caller } from "@bazaar/signature";
import { Hono } from "hono";
import { type AppEnv, notFound, onError, requireSignature } from "../../lib/http";
import { SECRET, tempDir } from "../../testing/harness";
import { signedInit } from "../../testing/signed-init";
import { type OrderModule, type OrderModuleOptions, openOrders } from "../module";
import { orderAdminRoutes, orderRoutes } from "../routes";

// Test fixtures on real parts: a temporary libSQL file, the real routes behind the real signature
// check, signed calls as the edge would make them.

export const ALICE: Caller = { user: "usr_01ALICE0000000000000000000", roles: ["customer"] };
export const BOB: Caller = { user: "usr_01BOB000000000000000000000", roles: ["customer"] };
export const ORDER_ADMIN: Caller = { user: "admin", roles: ["admin"] };

export interface OrderHarness {
	dir: string;
	url: string;
	orders: OrderModule;
	app: Hono<AppEnv>;
	call(method: string, path: string, init?: { body?: unknown; caller?: Caller }): Promise<Response>;
	close(): Promise<void>;
}

export async function orderHarness(options: Partial<OrderModuleOptions> = {}): Promise<OrderHarness> {
	const dir = tempDir("bazaar-order-");
	const url = options.url ?? `file:${join(dir, "order.db")}`;
	const orders = await openOrders({ ...options, url });
	const app = new Hono<AppEnv>();
	app.use("*", requireSignature(SECRET));
	app.route("/orders/admin", orderAdminRoutes(orders));
	app.route("/orders", orderRoutes(orders));
	app.notFound(notFound);
	app.onError(onError);
	return {
		dir,
		url,
		orders,
		app,
		async call(method, path, init = {}) {
			return app.request(path, await signedInit(method, path, init, ALICE));
		},
		close: () => orders.stop(),
	};
}

let seq = 0;
/** A checkout as the workflow would hand it over: two lines, a US address. */
export function checkout(overrides: Partial<PlaceOrderInput> = {}): PlaceOrderInput {
	seq++;
	return {
		customerId: ALICE.user,
		email: "alice@example.test",
		idempotencyKey: `key-${Date.now()}-${seq}`,
		currency: "USD",
		lines: [
			{ variantId: "var_A", sku: "SKU-A", title: "Mug", unitPrice: 1250, quantity: 2, weightGrams: 400 },
			{ variantId: "var_B", sku: "SKU-B", title: "Poster", unitPrice: 999, quantity: 1, weightGrams: 300 },
		],
		address: {
			name: "Alice Example",
			line1: "1 Market St",
			city: "San Francisco",
			region: "CA",
			postalCode: "94105",
			country: "US",
		},
		shippingMethod: "standard",
		reservationId: `res_test_${Date.now()}_${seq}`,
		...overrides,
	};
}

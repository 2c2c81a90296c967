import { join } from "node:path";
import { CategoryInput, type Product, ProductInput } from "@bazaar/contracts";
import type { CartOwner, CatalogPort, InventoryPort } from "@bazaar/contracts/cart";
import { randomToken } from "@bazaar/ids";
import type { Caller } from "@bazaar/signature";
import { Hono } from "hono";
import { archiveProduct } from "../../catalog/archive-product";
import { type Catalog, openCatalog } from "../../catalog/context";
import { createCategory } from "../../catalog/create-category";
import { createProduct } from "../../catalog/create-product";
import { type Inventory, openInventory } from "../../inventory/module";
import { enableStatementCounting, statementTotals } from "../../lib/db";
import { type AppEnv, notFound, onError, requireSignature } from "../../lib/http";
import { SECRET, tempDir } from "../../testing/harness";
import { signedInit } from "../../testing/signed-init";
import { catalogPort, inventoryPort } from "../../workflows/cart-ports";
import { type CartModule, type CartOptions, openCart } from "../module";
import { cartRoutes } from "../routes";

// Cart tests on real parts: the cart, a real catalog and a real inventory, each on its own
// temporary libSQL file, joined by the production adapters; the real routes behind the real
// signature check; signed calls as the edge would make them.

export const ALICE: Caller = { user: "usr_alice", roles: ["customer"] };
export const BOB: Caller = { user: "usr_bob", roles: ["customer"] };
export const ANON: Caller = { user: "", roles: [] };
export const CURRENCY = "EUR";

export const customer = (c: Caller): CartOwner => ({ kind: "customer", userId: c.user });
export const guestToken = () => randomToken();

/** Statements sent to one database, and calls through the ports: counted, not faked. */
export interface Counters {
	cart: number;
	catalog: number;
	inventory: number;
	catalogCalls: number;
	inventoryCalls: number;
}

export interface CartHarness {
	dir: string;
	cart: CartModule;
	catalog: Catalog;
	inv: Inventory;
	app: Hono<AppEnv>;
	counters: Counters;
	resetCounters(): void;
	/** Moves the cart's clock (guest expiry). */
	clock: { offsetMs: number };
	call(
		method: string,
		path: string,
		init?: { body?: unknown; caller?: Caller; token?: string; headers?: Record<string, string> },
	): Promise<Response>;
	/** A product in the catalog, its SKUs stocked in the inventory (null stock = unlimited). */
	product(spec: ProductSpec): Promise<Product>;
	archive(productId: string): Promise<void>;
	close(): Promise<void>;
}

export interface ProductSpec {
	title: string;
	status?: "active" | "draft" | "archived";
	/** Default physical. A service is booked by appointment (sold per time slot) unless `booking: "none"`. */
	kind?: "physical" | "digital" | "service";
	booking?: "appointment" | "none";
	variants: {
		sku: string;
		price?: number;
		prices?: { amount: number; currency: string }[];
		/**
		 * Units received; null: unlimited; false: the inventory never hears of the SKU;
		 * { slotCapacity }: a capacity SKU (places per time slot).
		 */
		stock?: number | null | false | { slotCapacity: number };
	}[];
}

export async function cartHarness(options: Partial<CartOptions> = {}): Promise<CartHarness> {
	const dir = tempDir("bazaar-cart-");
	const catalog = await openCatalog({ url: `file:${join(dir, "catalog.db")}`, imagesDir: join(dir, "images") });
	const inv = await openInventory({ url: `file:${join(dir, "inventory.db")}` });
	// Statements are counted per database file by lib/db; calls through the ports here.
	enableStatementCounting();
	const calls = { catalogCalls: 0, inventoryCalls: 0 };
	let base: Record<string, number> = {};
	const realCatalog = catalogPort(catalog);
	const realInventory = inventoryPort(inv);
	const catalogCounted: CatalogPort = {
		variants: (ids, currency) => {
			calls.catalogCalls++;
			return realCatalog.variants(ids, currency);
		},
	};
	const inventoryCounted: InventoryPort = {
		availability: (skus) => {
			calls.inventoryCalls++;
			return realInventory.availability(skus);
		},
	};
	const clock = { offsetMs: 0 };
	const cart = await openCart({
		url: `file:${join(dir, "cart.db")}`,
		catalog: catalogCounted,
		inventory: inventoryCounted,
		currency: CURRENCY,
		now: () => Date.now() + clock.offsetMs,
		...options,
	});

	const category = await createCategory(catalog, CategoryInput.parse({ name: "Things" }));
	const app = new Hono<AppEnv>();
	app.use("*", requireSignature(SECRET));
	app.route("/cart", cartRoutes(cart));
	app.notFound(notFound);
	app.onError(onError);

	return {
		dir,
		cart,
		catalog,
		inv,
		app,
		get counters(): Counters {
			const totals = statementTotals();
			const since = (db: string) => (totals[db] ?? 0) - (base[db] ?? 0);
			return { cart: since("cart"), catalog: since("catalog"), inventory: since("inventory"), ...calls };
		},
		clock,
		resetCounters() {
			base = { ...statementTotals() };
			calls.catalogCalls = 0;
			calls.inventoryCalls = 0;
		},
		async call(method, path, init = {}) {
			const token: Record<string, string> = init.token !== undefined ? { "x-bazaar-cart-token": init.token } : {};
			return app.request(
				path,
				await signedInit(method, path, { ...init, headers: { ...token, ...init.headers } }, ALICE),
			);
		},
		async product(spec) {
			const kind = spec.kind ?? "physical";
			const product = await createProduct(
				catalog,
				ProductInput.parse({
					kind,
					...(kind === "service"
						? { service: { durationMinutes: 60, billing: "one_time", booking: spec.booking ?? "appointment" } }
						: {}),
					...(kind === "digital" ? { digital: { format: "PDF", sizeBytes: 1000, delivery: "download" } } : {}),
					status: spec.status ?? "active",
					title: spec.title,
					categoryId: category.id,
					variants: spec.variants.map((v, i) => ({
						sku: v.sku,
						title: `V${i + 1}`,
						prices: v.prices ?? [{ amount: v.price ?? 1000, currency: CURRENCY }],
						...(kind === "physical" ? { weightGrams: 250 } : {}),
					})),
				}),
			);
			for (const v of spec.variants) {
				const stock = v.stock === undefined ? 50 : v.stock;
				if (stock === false) continue;
				if (typeof stock === "object" && stock !== null) {
					await inv.defineSku(v.sku, { policy: "capacity", slotCapacity: stock.slotCapacity });
					continue;
				}
				await inv.defineSku(v.sku, { policy: stock === null ? "unlimited" : "tracked" });
				if (stock) await inv.receiveStock(v.sku, { quantity: stock }, "test");
			}
			return product;
		},
		async archive(productId) {
			await archiveProduct(catalog, productId);
		},
		async close() {
			await cart.stop();
			await inv.stop();
			catalog.database.close();
		},
	};
}

export async function body<T = Record<string, unknown>>(res: Response): Promise<T> {
	const text = await res.text();
	try {
		return JSON.parse(text) as T;
	} catch {
		throw new Error(`not JSON (${res.status}): ${text.slice(0, 200)}`);
	}
}

export const variantId = (p: Product, i = 0): string => {
	const v = p.variants[i];
	if (!v) throw new Error(`product ${p.title} has no variant ${i}`);
	return v.id;
};

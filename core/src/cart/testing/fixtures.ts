import { join } from "node:path";
import { CategoryInput, type Product, ProductInput } from "@bazaar/contracts";
import { randomToken } from "@bazaar/ids";
import type { Caller } from "@bazaar/signature";
import type { Client, TransactionMode } from "@libsql/client";
import { Hono } from "hono";
import { archiveProduct } from "../../catalog/archive-product";
import { type Catalog, openCatalog } from "../../catalog/context";
import { createCategory } from "../../catalog/create-category";
import { createProduct } from "../../catalog/create-product";
import { type Inventory, openInventory } from "../../inventory/module";
import { type AppEnv, notFound, onError, requireSignature } from "../../lib/http";
import { SECRET, tempDir } from "../../testing/harness";
import { signedInit } from "../../testing/signed-init";
import { catalogPort, inventoryPort } from "../adapters";
import type { CartOwner, CatalogPort, InventoryPort } from "../contracts";
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
	const counters: Counters = { cart: 0, catalog: 0, inventory: 0, catalogCalls: 0, inventoryCalls: 0 };
	const realCatalog = catalogPort(catalog);
	const realInventory = inventoryPort(inv);
	const catalogCounted: CatalogPort = {
		variants: (ids, currency) => {
			counters.catalogCalls++;
			return realCatalog.variants(ids, currency);
		},
	};
	const inventoryCounted: InventoryPort = {
		availability: (skus) => {
			counters.inventoryCalls++;
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
	countStatements(cart.context.database.client, () => counters.cart++);
	countStatements(catalog.database.client, () => counters.catalog++);
	countStatements(inv.context.database.client, () => counters.inventory++);

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
		counters,
		clock,
		resetCounters() {
			for (const k of Object.keys(counters) as (keyof Counters)[]) counters[k] = 0;
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

/** Counts what reaches the database: statements, batches' statements, and those in transactions. */
function countStatements(client: Client, count: () => void): void {
	const transaction = client.transaction.bind(client);
	(client as { transaction: unknown }).transaction = async (mode?: TransactionMode) => {
		const tx = await transaction(mode);
		const run = tx.execute.bind(tx);
		(tx as { execute: unknown }).execute = (stmt: Parameters<typeof tx.execute>[0]) => {
			count();
			return run(stmt);
		};
		return tx;
	};
	const execute = client.execute.bind(client);
	const batch = client.batch.bind(client);
	(client as { execute: unknown }).execute = (...args: Parameters<Client["execute"]>) => {
		count();
		return execute(...args);
	};
	(client as { batch: unknown }).batch = (
		stmts: Parameters<Client["batch"]>[0],
		mode?: Parameters<Client["batch"]>[1],
	) => {
		for (const _ of stmts) count();
		return batch(stmts, mode);
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

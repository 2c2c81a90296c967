import { createHash } from "node:crypto";
import { resolve } from "node:path";
import type { CartOwner, CatalogPort, InventoryPort, PromotionPort } from "@bazaar/contracts/cart";
import { DEFAULT_CURRENCY } from "@bazaar/money";
import { type Database, migrateDatabase, openDatabase, type TxDb } from "../lib/db";
import { type CartSchema, cartSchema } from "./schema";

export const CART_MIGRATIONS = resolve(import.meta.dir, "migrations");
export const DEFAULT_GUEST_TTL_MS = 30 * 86_400_000;

/** Everything a cart verb needs. */
export interface CartContext {
	database: Database<CartSchema>;
	catalog: CatalogPort;
	inventory: InventoryPort;
	/** Sale prices, discounts and coupons (workflows/cart-ports.ts); absent: list prices only. */
	promotions?: PromotionPort;
	/** The currency a new cart is priced in. */
	currency: string;
	guestTtlMs: number;
	now: () => number;
}

export interface CartContextOptions {
	url: string;
	/** How the cart reads variants and prices (adapters.ts: `catalogPort`). */
	catalog: CatalogPort;
	/** How the cart reads stock (adapters.ts: `inventoryPort`). */
	inventory: InventoryPort;
	promotions?: PromotionPort;
	migrate?: boolean;
	currency?: string;
	guestTtlMs?: number;
	/** The clock (ms since epoch); tests move time by passing their own. */
	now?: () => number;
}

export async function openCartContext(options: CartContextOptions): Promise<CartContext> {
	const database = await openDatabase(options.url, cartSchema);
	if (options.migrate !== false) await migrateDatabase(database, CART_MIGRATIONS);
	return {
		database,
		catalog: options.catalog,
		inventory: options.inventory,
		...(options.promotions ? { promotions: options.promotions } : {}),
		currency: options.currency ?? DEFAULT_CURRENCY,
		guestTtlMs: options.guestTtlMs ?? DEFAULT_GUEST_TTL_MS,
		now: options.now ?? Date.now,
	};
}

/** The one way the cart writes: BEGIN IMMEDIATE, queued behind this process's other writers. */
export function cartWrite<T>(ctx: CartContext, fn: (tx: TxDb) => T | Promise<T>): Promise<T> {
	return ctx.database.write(fn);
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** How an owner is stored: a guest's token never is, only its digest. */
export function ownerKey(owner: CartOwner): { kind: CartOwner["kind"]; key: string } {
	return owner.kind === "customer"
		? { kind: "customer", key: owner.userId }
		: { kind: "guest", key: createHash("sha256").update(owner.token).digest("hex") };
}

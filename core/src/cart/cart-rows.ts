import type { CartOwner } from "@bazaar/contracts/cart";
import { newId } from "@bazaar/ids";
import { sql } from "drizzle-orm";
import type { TxDb } from "../lib/db";
import { type CartContext, iso, ownerKey } from "./context";

// Write-side helpers on the carts table, run inside a cart write transaction.

export interface LiveCart {
	id: string;
	currency: string;
}

/** The owner's live cart, or null (an expired guest cart is not live). One statement. */
export async function liveCart(tx: TxDb, ctx: CartContext, owner: CartOwner): Promise<LiveCart | null> {
	const { kind, key } = ownerKey(owner);
	const [row] = await tx.all<LiveCart>(sql`SELECT id, currency FROM carts
		WHERE owner_kind = ${kind} AND owner_key = ${key} AND (expires_at IS NULL OR expires_at > ${iso(ctx.now())})`);
	return row ?? null;
}

/**
 * The owner's cart, made when there is none (or its guest cart expired: the row is reused,
 * its old lines dropped), and marked changed: revision + 1, a guest's expiry pushed forward.
 */
export async function ensureCart(tx: TxDb, ctx: CartContext, owner: CartOwner, currency: string): Promise<LiveCart> {
	const { kind, key } = ownerKey(owner);
	const now = ctx.now();
	const at = iso(now);
	const expiresAt = kind === "guest" ? iso(now + ctx.guestTtlMs) : null;
	const [row] = await tx.all<LiveCart & { expiresAt: string | null }>(sql`SELECT id, currency, expires_at AS expiresAt
		FROM carts WHERE owner_kind = ${kind} AND owner_key = ${key}`);
	if (!row) {
		const id = newId("cart");
		await tx.run(sql`INSERT INTO carts (id, owner_kind, owner_key, currency, revision, created_at, updated_at, expires_at)
			VALUES (${id}, ${kind}, ${key}, ${currency}, 1, ${at}, ${at}, ${expiresAt})`);
		return { id, currency };
	}
	if (row.expiresAt !== null && row.expiresAt <= at) {
		await tx.run(sql`DELETE FROM cart_lines WHERE cart_id = ${row.id}`);
		await tx.run(sql`UPDATE carts SET currency = ${currency}, revision = revision + 1, created_at = ${at},
			updated_at = ${at}, expires_at = ${expiresAt} WHERE id = ${row.id}`);
		return { id: row.id, currency };
	}
	await touchCart(tx, ctx, row.id, kind);
	return { id: row.id, currency: row.currency };
}

/**
 * Prices the cart in another currency from now on. Lines keep their quantities (a line not sold
 * in it reads `not_sold_in_currency` and blocks checkout until removed); the price each was added
 * at stays in its old currency, so no "price changed" warning compares across currencies. Run
 * after ensureCart or touchCart, which already moved the revision.
 */
export async function switchCurrency(tx: TxDb, cartId: string, currency: string): Promise<void> {
	await tx.run(sql`UPDATE carts SET currency = ${currency} WHERE id = ${cartId}`);
}

/** Marks a cart changed. */
export async function touchCart(tx: TxDb, ctx: CartContext, cartId: string, kind: CartOwner["kind"]): Promise<void> {
	const now = ctx.now();
	const expiresAt = kind === "guest" ? iso(now + ctx.guestTtlMs) : null;
	await tx.run(sql`UPDATE carts SET revision = revision + 1, updated_at = ${iso(now)}, expires_at = ${expiresAt}
		WHERE id = ${cartId}`);
}

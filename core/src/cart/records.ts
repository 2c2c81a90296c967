import type { CartOwner } from "@bazaar/contracts/cart";
import { type Money, money } from "@bazaar/money";
import { sql } from "drizzle-orm";
import type { Db } from "../lib/db";
import { type CartContext, iso, ownerKey } from "./context";
import { slotOut } from "./slot-rules";

// biome-ignore lint/suspicious/noExplicitAny: readers run on the module db and on transactions alike
export type Reader = Db<any>;

export interface CartHeader {
	id: string;
	ownerKind: "customer" | "guest";
	currency: string;
	revision: number;
	updatedAt: string;
	expiresAt: string | null;
	couponCode: string | null;
}

export interface StoredLine {
	variantId: string;
	/** null: not a booked line. */
	slot: string | null;
	quantity: number;
	addedAt: string;
	/** The unit price the shopper last saw for the line (schema.ts); null for lines from before it was noted. */
	addedPrice: Money | null;
}

export interface CartSnapshot {
	header: CartHeader | null;
	lines: StoredLine[];
}

interface Row extends CartHeader {
	variantId: string | null;
	slot: string | null;
	quantity: number | null;
	addedAt: string | null;
	addedPrice: number | null;
	addedCurrency: string | null;
}

/**
 * An owner's live cart and all its lines in ONE statement, whatever the number of lines. An
 * expired guest cart reads as no cart (the purge or the next write removes it).
 */
export async function loadCart(db: Reader, ctx: CartContext, owner: CartOwner): Promise<CartSnapshot> {
	const { kind, key } = ownerKey(owner);
	const rows = await db.all<Row>(sql`SELECT c.id, c.owner_kind AS ownerKind, c.currency, c.revision,
			c.updated_at AS updatedAt, c.expires_at AS expiresAt, c.coupon_code AS couponCode,
			l.variant_id AS variantId, l.slot, l.quantity, l.added_at AS addedAt,
			l.added_price AS addedPrice, l.added_currency AS addedCurrency
		FROM carts c LEFT JOIN cart_lines l ON l.cart_id = c.id
		WHERE c.owner_kind = ${kind} AND c.owner_key = ${key}
			AND (c.expires_at IS NULL OR c.expires_at > ${iso(ctx.now())})
		ORDER BY l.added_at, l.variant_id, l.slot`);
	const first = rows[0];
	if (!first) return { header: null, lines: [] };
	const header: CartHeader = {
		id: first.id,
		ownerKind: first.ownerKind,
		currency: first.currency,
		revision: first.revision,
		updatedAt: first.updatedAt,
		expiresAt: first.expiresAt,
		couponCode: first.couponCode,
	};
	const lines: StoredLine[] = [];
	for (const r of rows) {
		if (r.variantId !== null && r.quantity !== null && r.addedAt !== null) {
			lines.push({
				variantId: r.variantId,
				slot: slotOut(r.slot ?? ""),
				quantity: r.quantity,
				addedAt: r.addedAt,
				addedPrice: r.addedPrice !== null && r.addedCurrency !== null ? money(r.addedPrice, r.addedCurrency) : null,
			});
		}
	}
	return { header, lines };
}

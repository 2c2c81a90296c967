import { createHmac, timingSafeEqual } from "node:crypto";
import type { OrderDetail } from "@bazaar/contracts/order";
import { OrderId } from "@bazaar/contracts/order";
import { sql } from "drizzle-orm";
import { emailHash, normalizeEmail } from "../lib/email-key";
import { NotFoundError } from "../lib/errors";
import { iso, type OrderContext, orderWrite } from "./context";
import { recordNote } from "./events";
import { getOrder } from "./get-order";

// A guest's order has no account to sign in to: it is opened with a key (an HMAC of the order id
// and its email under the module's guest-link secret) that the confirmation mail carries, or that
// a lookup by order number + email hands out again. The key never expires — it is a receipt, as
// unguessable as the secret — and it works while the order is a guest's: once claimed into an
// account (at sign-up with the same, verified, address) the account is the way in.
// Every refusal is the same 404, so a key, an id or an address cannot be probed one at a time.

const NOT_FOUND = "The order";

/** The key of a guest order's link (base64url HMAC-SHA256 over id and normalised email). */
export function guestOrderKey(secret: string, orderId: string, email: string): string {
	return createHmac("sha256", secret)
		.update(`guest-order-v1\n${orderId}\n${normalizeEmail(email)}`)
		.digest("base64url");
}

/** The guest order the key opens; anything else (an account's order, a wrong key) is a 404. */
export async function openGuestOrder(ctx: OrderContext, id: string, key: string): Promise<OrderDetail> {
	if (!OrderId.safeParse(id).success || key.length > 100) throw new NotFoundError(NOT_FOUND);
	const [row] = await ctx.database.db.all<{ email: string }>(
		sql`SELECT email FROM orders WHERE id = ${id} AND guest_email_hash IS NOT NULL`,
	);
	const expected = Buffer.from(guestOrderKey(ctx.guestLinkSecret, id, row?.email ?? ""));
	const given = Buffer.from(key);
	// Compared even when there is no such order, so the answer takes as long either way.
	const same = expected.length === given.length && timingSafeEqual(expected, given);
	if (!row || !same) throw new NotFoundError(NOT_FOUND);
	return getOrder(ctx, id);
}

/** Order number + email → the order's key, when they name a guest order together; else a 404. */
export async function findGuestOrder(ctx: OrderContext, id: string, email: string): Promise<{ key: string }> {
	if (!OrderId.safeParse(id).success) throw new NotFoundError(NOT_FOUND);
	const [row] = await ctx.database.db.all<{ email: string }>(
		sql`SELECT email FROM orders WHERE id = ${id} AND guest_email_hash = ${emailHash(email)}`,
	);
	if (!row) throw new NotFoundError(NOT_FOUND);
	return { key: guestOrderKey(ctx.guestLinkSecret, id, row.email) };
}

/**
 * Moves every guest order placed with this (verified) address into the account: one statement,
 * idempotent (a claimed order is no longer a guest's), with a timeline note on each.
 */
export async function claimGuestOrders(ctx: OrderContext, userId: string, hash: string): Promise<string[]> {
	return orderWrite(ctx, async (tx) => {
		const at = iso(ctx.now());
		const claimed = await tx.all<{ id: string; status: OrderDetail["status"] }>(sql`UPDATE orders
			SET customer_id = ${userId}, guest_email_hash = NULL, updated_at = ${at}
			WHERE guest_email_hash = ${hash} RETURNING id, status`);
		for (const order of claimed) {
			await recordNote(tx, order, {
				at,
				actor: userId,
				reason: "claimed into the account that signed up with its email",
			});
		}
		return claimed.map((o) => o.id);
	});
}

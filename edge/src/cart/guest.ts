import { GUEST_TOKEN_HEADER, GuestToken } from "@bazaar/contracts/cart";
import { randomToken } from "@bazaar/ids";
import type { AppContext } from "../env";
import { coreClient } from "../lib/core";
import { callerOf } from "../lib/core-call";
import { clearCookie, readCookie, writeCookie } from "../session/cookie";
import type { ActiveSession } from "../session/store";

// A guest's cart is named by a random 256-bit token in an HttpOnly cookie; the edge forwards it
// to the core in `x-bazaar-cart-token`. A signed-in shopper's cart is named by their user id
// (the signed caller), so the token is only sent for guests, and merged away at sign-in.

export const GUEST_CART_COOKIE = "bazaar_cart";
const GUEST_CART_TTL_SECONDS = 30 * 24 * 3600;

export function guestToken(c: AppContext): string | null {
	const raw = readCookie(c, GUEST_CART_COOKIE);
	return raw && GuestToken.safeParse(raw).success ? raw : null;
}

/** The guest token, minted (and its cookie set) when the guest puts the first thing in a cart. */
export function ensureGuestToken(c: AppContext): string {
	const existing = guestToken(c);
	if (existing) return existing;
	const token = randomToken(32);
	writeCookie(c, GUEST_CART_COOKIE, token, GUEST_CART_TTL_SECONDS);
	return token;
}

/** A cart cookie that is not one of our tokens (forged, truncated) names no cart: drop it. */
export function dropForgedGuestCookie(c: AppContext): void {
	if (readCookie(c, GUEST_CART_COOKIE) !== undefined && guestToken(c) === null) clearCookie(c, GUEST_CART_COOKIE);
}

/**
 * The token a guest's first write goes under: the cookie's, or a fresh one that is only kept
 * (`keepGuestToken`) once the core accepted the write, so a refused add leaves no cookie behind.
 */
export function guestTokenForWrite(c: AppContext, existing = guestToken(c)): { token: string; fresh: boolean } {
	return existing ? { token: existing, fresh: false } : { token: randomToken(32), fresh: true };
}

export function keepGuestToken(c: AppContext, token: string): void {
	writeCookie(c, GUEST_CART_COOKIE, token, GUEST_CART_TTL_SECONDS);
}

/** Headers naming the caller's cart: none for a signed-in shopper, the token for a guest. */
export function cartHeaders(c: AppContext, token = guestToken(c)): Record<string, string> {
	if (c.get("session") || !token) return {};
	return { [GUEST_TOKEN_HEADER]: token };
}

/**
 * Moves the guest cart into the customer's right after sign-in. A failed merge must not fail
 * the sign-in: the guest cookie stays and the next sign-in tries again.
 */
export async function mergeGuestCart(c: AppContext, session: ActiveSession): Promise<void> {
	const token = guestToken(c);
	if (!token) return;
	const res = await coreClient(c.env)
		.request("POST", "/cart/merge", { caller: callerOf(c, session), headers: { [GUEST_TOKEN_HEADER]: token } })
		.catch(() => null);
	if (res) await res.body?.cancel();
	if (res?.ok || res?.status === 404) clearCookie(c, GUEST_CART_COOKIE);
	else console.warn(`cart merge for ${session.userId} failed: ${res?.status ?? "core unreachable"}`);
}

import { randomToken } from "@bazaar/ids";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { hex, safeEqual, utf8 } from "../lib/bytes";
import { readCookie, writeCookie } from "./cookie";
import type { ActiveSession } from "./store";

// Every state-changing form carries a `csrf` field. A signed-in shopper's forms carry the
// session's own token (it lives in KV with the session). Anonymous forms (sign up, log in)
// have no session, so they use a signed double-submit cookie: the cookie holds
// `<nonce>.<hmac(nonce)>` and the form repeats it. A cross-site page can neither read the cookie
// nor, without the secret, mint a pair that verifies, and SameSite=Lax keeps the cookie off
// cross-site POSTs anyway. The Origin check in the account router is a further layer.

export const CSRF_FIELD = "csrf";
const CSRF_COOKIE = "bazaar_csrf";
const DOMAIN = "bazaar-csrf-v1:";

const keys = new Map<string, Promise<CryptoKey>>();
function key(secret: string): Promise<CryptoKey> {
	let k = keys.get(secret);
	if (!k) {
		k = crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
		keys.set(secret, k);
	}
	return k;
}

async function mac(secret: string, nonce: string): Promise<string> {
	return hex(await crypto.subtle.sign("HMAC", await key(secret), utf8(DOMAIN + nonce)));
}

async function isSignedPair(secret: string, value: string): Promise<boolean> {
	const [nonce, sig, ...rest] = value.split(".");
	if (!nonce || !sig || rest.length > 0 || !/^[A-Za-z0-9_-]{43}$/.test(nonce)) return false;
	return safeEqual(sig, await mac(secret, nonce));
}

/** The token a form should carry: the session's, or the anonymous cookie's (set if missing). */
export async function csrfToken(c: Context<AppEnv>, session: ActiveSession | null): Promise<string> {
	if (session) return session.csrf;
	const secret = c.env.BAZAAR_SIGNING_SECRET ?? "";
	const existing = readCookie(c, CSRF_COOKIE);
	if (existing && (await isSignedPair(secret, existing))) return existing;
	const nonce = randomToken(32);
	const value = `${nonce}.${await mac(secret, nonce)}`;
	// A browser-session cookie: the form it protects is filled in minutes, not days.
	writeCookie(c, CSRF_COOKIE, value);
	return value;
}

/** Whether a submitted token is the session's, or a signed pair matching the anonymous cookie. */
export async function csrfValid(
	c: Context<AppEnv>,
	session: ActiveSession | null,
	submitted: string | undefined,
): Promise<boolean> {
	if (!submitted || submitted.length > 200) return false;
	if (session && (await safeEqual(submitted, session.csrf))) return true;
	const secret = c.env.BAZAAR_SIGNING_SECRET ?? "";
	const cookie = readCookie(c, CSRF_COOKIE);
	if (!secret || !cookie || !(await safeEqual(submitted, cookie))) return false;
	return isSignedPair(secret, cookie);
}

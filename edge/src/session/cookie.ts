import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

// Browsers refuse a `__Host-` cookie without Secure, and refuse Secure cookies over plain http
// (except on localhost, inconsistently). So https gets `__Host-bazaar_session` (no Domain, Path=/,
// Secure: a sibling subdomain cannot plant or shadow it), and plain-http dev (`wrangler dev`)
// gets the unprefixed `bazaar_session`. The same rule names the anonymous CSRF cookie.

export function isHttps(c: Context): boolean {
	return new URL(c.req.url).protocol === "https:";
}

export function cookieName(c: Context, base: string): string {
	return isHttps(c) ? `__Host-${base}` : base;
}

export function readCookie(c: Context, base: string): string | undefined {
	return getCookie(c, cookieName(c, base));
}

export function writeCookie(c: Context, base: string, value: string, maxAgeSeconds?: number): void {
	setCookie(c, cookieName(c, base), value, {
		path: "/",
		httpOnly: true,
		secure: isHttps(c),
		sameSite: "Lax",
		...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
	});
}

export function clearCookie(c: Context, base: string): void {
	deleteCookie(c, cookieName(c, base), { path: "/", secure: isHttps(c), httpOnly: true, sameSite: "Lax" });
}

import { createContext, useContext } from "hono/jsx";
import type { AppContext } from "../env";

// Canonical URLs, Open Graph and sitemaps need absolute addresses. Pages are cached once for
// every host that reaches the Worker, so the origin written into them is the configured public
// one (SITE_URL) when set, not whichever Host header rendered the page first.

declare global {
	interface Env {
		/** The storefront's public origin, e.g. https://shop.example (unset: the request's own). */
		SITE_URL?: string;
	}
}

export function siteOrigin(c: AppContext): string {
	const configured = c.env.SITE_URL;
	if (configured) {
		try {
			return new URL(configured).origin;
		} catch {
			// A malformed setting must not take the shop down: fall back to the request's origin.
		}
	}
	return new URL(c.req.url).origin;
}

/** Rendering pages see the origin through this context, so no view threads it by hand. */
export const SiteOrigin = createContext("");

/** An absolute URL for a site path ("/products/x"); other URLs are left as they are. */
export function useAbsolute(): (path: string) => string {
	const origin = useContext(SiteOrigin);
	return (path) => (path.startsWith("/") && !path.startsWith("//") ? origin + path : path);
}

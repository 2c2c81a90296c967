import { Hono } from "hono";
import { z } from "zod";
import { coreCart, hasCart } from "../cart/core-cart";
import { guestToken } from "../cart/guest";
import type { AppEnv } from "../env";
import { callerOf } from "../lib/core-call";
import { identity } from "../lib/identity";
import { apiProblem } from "../lib/problems";
import { loadSession } from "../session/middleware";

// The header's personal bits as JSON: catalog pages are cached for everyone, so the signed-in
// name and the cart count come from here (fetched by /assets/header.js), never from the page.

export const Me = z.object({
	user: z.object({ name: z.string() }).nullable(),
	cart: z.object({ count: z.number().int().nonnegative() }),
});
export type Me = z.infer<typeof Me>;

const PRIVATE = { "cache-control": "no-store, private", vary: "Cookie, Authorization" };

export const apiMe = new Hono<AppEnv>().use("*", loadSession).get("/", async (c) => {
	const session = c.get("session");
	const token = guestToken(c);
	// An anonymous visitor without a cart costs no core call at all: most catalog traffic.
	if (!hasCart(c, token)) return c.json({ user: null, cart: { count: 0 } } satisfies Me, 200, PRIVATE);
	const [profile, cart] = await Promise.all([
		session ? identity.me(c.env, callerOf(c, session)) : null,
		coreCart.read(c, token),
	]);
	// A profile the core no longer has (deleted account) is simply no name; the core failing is a 502/503.
	const down = [profile, cart].find((a) => a && !a.ok && a.status >= 500);
	if (down && !down.ok) return apiProblem(down.status === 503 ? 503 : 502, down.problem.detail, {}, PRIVATE);
	const me: Me = {
		user: profile?.ok ? { name: profile.value.name } : null,
		cart: { count: cart.ok ? cart.value.itemCount : 0 },
	};
	return c.json(me, 200, PRIVATE);
});

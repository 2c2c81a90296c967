import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { coreCart, hasCart } from "../cart/core-cart";
import { guestToken } from "../cart/guest";
import { callerOf } from "../lib/core-call";
import { identity } from "../lib/identity";
import { apiProblem } from "../lib/problems";
import { apiRouter, coreTrouble, json, problem, SESSION_OR_NONE } from "../openapi/route-kit";
import { loadSession } from "../session/middleware";

// The header's personal bits as JSON: catalog pages are cached for everyone, so the signed-in
// name and the cart count come from here (fetched by /assets/header.js), never from the page.

export const Me = z.object({
	user: z.object({ name: z.string() }).nullable(),
	cart: z.object({ count: z.number().int().nonnegative() }),
});
export type Me = z.infer<typeof Me>;

const PRIVATE = { "cache-control": "no-store, private", vary: "Cookie, Authorization" };

const me = createRoute({
	method: "get",
	path: "/",
	tags: ["shop"],
	operationId: "me",
	summary: "Who is signed in, and the cart's count",
	description:
		"The signed-in name and the cart's item count for the storefront's header: catalog pages are cached for everyone, so what is personal comes from here. Anonymous callers, and a cookie that names no live session, get `user: null` and their guest cart's count (0 without one); a bearer token that names no live session (signed out, expired, unknown) is a 401, as on every route. `Cache-Control: no-store, private`.",
	security: SESSION_OR_NONE,
	responses: {
		200: json(Me, "The name (null when anonymous) and the cart's number of units."),
		401: problem('A bearer token that is not a live session; `WWW-Authenticate: Bearer error="invalid_token"`.'),
		...coreTrouble,
	},
});

export const apiMe = apiRouter();
apiMe.use("*", loadSession);
apiMe.openapi(me, async (c) => {
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
	const answer: Me = {
		user: profile?.ok ? { name: profile.value.name } : null,
		cart: { count: cart.ok ? cart.value.itemCount : 0 },
	};
	return c.json(answer, 200, PRIVATE);
});

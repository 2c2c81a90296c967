import { zodProblem } from "@bazaar/contracts";
import {
	AddLineRequest,
	GUEST_TOKEN_HEADER,
	GuestToken,
	LineQuery,
	SetQuantityRequest,
	VariantId,
} from "@bazaar/contracts/cart";
import { ApplyCouponRequest } from "@bazaar/contracts/promotion";
import { Hono } from "hono";
import type { z } from "zod";
import { coreCart, hasCart } from "../cart/core-cart";
import { guestToken, guestTokenForWrite, keepGuestToken } from "../cart/guest";
import type { AppContext, AppEnv } from "../env";
import type { CoreAnswer } from "../lib/core-call";
import { apiProblem } from "../lib/problems";
import { apiWriteGuard } from "../middleware/api-write";
import { bufferBody } from "../middleware/body";
import { loadSession } from "../session/middleware";

// The JSON cart API: the core's cart verbs with the same semantics, for browsers (session and
// guest cart cookies, guarded against CSRF by apiWriteGuard) and API clients (a bearer session,
// or a guest cart token they keep themselves in `x-bazaar-cart-token`). Every answer is the
// re-checked cart; every refusal is problem JSON.

const MAX_BODY = 16 * 1024;
const PRIVATE = { "cache-control": "no-store, private" };

type Token = string | null;

/** The guest token: the header an API client sends (validated), else the cookie's. */
function requestToken(c: AppContext): Token | Response {
	const header = c.req.header(GUEST_TOKEN_HEADER);
	if (header === undefined) return guestToken(c);
	if (!GuestToken.safeParse(header).success) {
		return apiProblem(400, `The ${GUEST_TOKEN_HEADER} header is not a cart token.`, {
			errors: [{ path: GUEST_TOKEN_HEADER, message: "a 256-bit base64url token (43 characters)" }],
		});
	}
	return header;
}

/** The JSON body against its schema, or the 400 problem saying what is wrong. */
function jsonBody<S extends z.ZodType>(c: AppContext, schema: S): z.infer<S> | Response {
	let raw: unknown;
	try {
		const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(c.get("body"));
		if (text.trim() === "") return apiProblem(400, "The request needs a JSON body.");
		raw = JSON.parse(text);
	} catch {
		return apiProblem(400, "The body is not valid JSON.");
	}
	const parsed = schema.safeParse(raw);
	if (!parsed.success) {
		const p = zodProblem(parsed.error, "The request is not valid.");
		return apiProblem(400, p.detail, { errors: p.errors });
	}
	return parsed.data;
}

function answer(c: AppContext, result: CoreAnswer<unknown>, headers: Record<string, string> = {}) {
	if (result.ok) return c.json(result.value, 200, { ...PRIVATE, ...headers });
	const { problem } = result;
	// The core's own trouble is a 502/503 here; its refusals (400/404/409/422) pass through.
	if (result.status >= 500) return apiProblem(result.status === 503 ? 503 : 502, problem.detail);
	return apiProblem(result.status, problem.detail, { errors: problem.errors, title: problem.title });
}

const noSuchLine = () => apiProblem(404, "That cart line was not found.");

/** `?slot=` names a booked service's line (ISO UTC); without it, the variant's unbooked line. */
function lineSlot(c: AppContext): string | null | Response {
	const parsed = LineQuery.safeParse({ slot: c.req.query("slot") });
	if (!parsed.success) {
		return apiProblem(400, "The slot is not a UTC date-time.", {
			errors: [{ path: "slot", message: "a UTC date-time such as 2026-12-01T10:00:00Z" }],
		});
	}
	return parsed.data.slot ?? null;
}

export const apiCart = new Hono<AppEnv>();

apiCart.use("*", bufferBody(MAX_BODY));
apiCart.use("*", loadSession);
apiCart.use("*", async (c, next) => {
	// A bearer token that names no live session is refused, not quietly turned into a guest.
	if (c.get("authVia") === "bearer" && !c.get("session")) {
		return apiProblem(
			401,
			"The bearer session is not valid (expired or logged out).",
			{},
			{ "www-authenticate": "Bearer" },
		);
	}
	await next();
});
apiCart.use("*", apiWriteGuard);

apiCart.get("/", async (c) => {
	const token = requestToken(c);
	if (token instanceof Response) return token;
	return answer(c, await coreCart.read(c, token));
});

apiCart.post("/lines", async (c) => {
	const token = requestToken(c);
	if (token instanceof Response) return token;
	const input = jsonBody(c, AddLineRequest);
	if (input instanceof Response) return input;
	// A guest's first add mints the cart: kept in a cookie for browsers and returned in the
	// header for API clients, and only once the core accepted the line.
	const guest = c.get("session") ? null : guestTokenForWrite(c, token);
	const result = await coreCart.add(c, guest?.token ?? null, input);
	if (result.ok && guest?.fresh) keepGuestToken(c, guest.token);
	return answer(c, result, guest && result.ok ? { [GUEST_TOKEN_HEADER]: guest.token } : {});
});

apiCart.patch("/lines/:variantId", async (c) => {
	const token = requestToken(c);
	if (token instanceof Response) return token;
	const variantId = c.req.param("variantId");
	if (!VariantId.safeParse(variantId).success) return noSuchLine();
	const slot = lineSlot(c);
	if (slot instanceof Response) return slot;
	const input = jsonBody(c, SetQuantityRequest);
	if (input instanceof Response) return input;
	if (!hasCart(c, token)) return noSuchLine();
	return answer(c, await coreCart.setQuantity(c, token, variantId, slot, input));
});

apiCart.delete("/lines/:variantId", async (c) => {
	const token = requestToken(c);
	if (token instanceof Response) return token;
	const variantId = c.req.param("variantId");
	const slot = lineSlot(c);
	if (slot instanceof Response) return slot;
	if (!VariantId.safeParse(variantId).success || !hasCart(c, token)) return noSuchLine();
	return answer(c, await coreCart.remove(c, token, variantId, slot));
});

apiCart.delete("/", async (c) => {
	const token = requestToken(c);
	if (token instanceof Response) return token;
	// No cart at all is already empty: answer the empty cart, as clearing is idempotent.
	return answer(c, hasCart(c, token) ? await coreCart.clear(c, token) : await coreCart.read(c, null));
});

apiCart.post("/coupon", async (c) => {
	const token = requestToken(c);
	if (token instanceof Response) return token;
	const input = jsonBody(c, ApplyCouponRequest);
	if (input instanceof Response) return input;
	// A guest may apply a code before adding anything: the cart is minted as for a first line.
	const guest = c.get("session") ? null : guestTokenForWrite(c, token);
	const result = await coreCart.applyCoupon(c, guest?.token ?? null, input.code);
	if (result.ok && guest?.fresh) keepGuestToken(c, guest.token);
	return answer(c, result, guest && result.ok ? { [GUEST_TOKEN_HEADER]: guest.token } : {});
});

apiCart.delete("/coupon", async (c) => {
	const token = requestToken(c);
	if (token instanceof Response) return token;
	return answer(c, hasCart(c, token) ? await coreCart.removeCoupon(c, token) : await coreCart.read(c, null));
});

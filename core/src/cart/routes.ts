import {
	AddLineRequest,
	CART_CURRENCY_HEADER,
	type CartOwner,
	CustomerId,
	GUEST_ROLE,
	GUEST_TOKEN_HEADER,
	GuestToken,
	LineQuery,
	SetCurrencyRequest,
	SetQuantityRequest,
	VariantId,
} from "@bazaar/contracts/cart";
import { ApplyCouponRequest } from "@bazaar/contracts/promotion";
import { Currency } from "@bazaar/money";
import type { Context } from "hono";
import { Hono } from "hono";
import { NotFoundError, ServiceError, ValidationError } from "../lib/errors";
import { type AppEnv, jsonResponse, readJson } from "../lib/http";
import type { CartModule } from "./module";

// A thin adapter under /cart: work out whose cart it is, validate, call one verb, send the cart.
// There are no cart ids in these paths: a caller reaches only the cart its identity names — a
// signed-in customer's own (the signed caller's user), or a guest's by the token the edge keeps
// in a cookie and forwards in `x-bazaar-cart-token`. Any other cart is simply not addressable.

class NoCartOwnerError extends ServiceError {
	constructor() {
		super(401, `This needs a signed-in customer or a guest cart token (${GUEST_TOKEN_HEADER}).`);
	}
}

/** The cart the caller may use: the user's when signed in, else the guest token's, else none. */
export function cartOwner(c: Context<AppEnv>): CartOwner | null {
	const { user, roles } = c.get("caller");
	// A guest signed for checkout still names their cart by its token, never by the derived id.
	if (roles.includes(GUEST_ROLE)) return guestOwner(c);
	if (user) {
		if (!CustomerId.safeParse(user).success) throw new NoCartOwnerError();
		return { kind: "customer", userId: user };
	}
	return guestOwner(c);
}

function guestOwner(c: Context<AppEnv>): CartOwner | null {
	const token = c.req.header(GUEST_TOKEN_HEADER);
	if (token === undefined || token === "") return null;
	if (!GuestToken.safeParse(token).success) {
		throw new ValidationError(`The ${GUEST_TOKEN_HEADER} header is not a cart token.`, [
			{ path: GUEST_TOKEN_HEADER, message: "a 256-bit base64url token" },
		]);
	}
	return { kind: "guest", token };
}

const required = (owner: CartOwner | null): CartOwner => {
	if (!owner) throw new NoCartOwnerError();
	return owner;
};

/** A malformed id names no line of any cart. */
const variantParam = (raw: string) => {
	if (!VariantId.safeParse(raw).success) throw new NotFoundError("That cart line");
	return raw;
};

/** `?slot=` names a booked line of the variant; without it, the variant's unbooked line. */
const slotParam = (c: Context<AppEnv>): string | null => {
	const parsed = LineQuery.safeParse({ slot: c.req.query("slot") });
	if (!parsed.success) {
		throw new ValidationError("The slot is not a UTC date-time.", [
			{ path: "slot", message: "a UTC date-time such as 2026-12-01T10:00:00Z" },
		]);
	}
	return parsed.data.slot ?? null;
};

/** The shopper's market's currency, when the edge sent it (a malformed one is a 400). */
const marketCurrency = (c: Context<AppEnv>): string | undefined => {
	const sent = c.req.header(CART_CURRENCY_HEADER);
	if (sent === undefined || sent === "") return undefined;
	if (!Currency.safeParse(sent).success) {
		throw new ValidationError(`The ${CART_CURRENCY_HEADER} header is not a currency.`, [
			{ path: CART_CURRENCY_HEADER, message: "an ISO 4217 code, e.g. EUR" },
		]);
	}
	return sent;
};

export function cartRoutes(mod: CartModule): Hono<AppEnv> {
	const app = new Hono<AppEnv>();

	app.get("/", async (c) => jsonResponse(await mod.getCart(cartOwner(c), marketCurrency(c))));
	app.post("/lines", async (c) => {
		const owner = required(cartOwner(c));
		return jsonResponse(await mod.addLine(owner, readJson(c, AddLineRequest), marketCurrency(c)));
	});
	app.put("/currency", async (c) => {
		const owner = required(cartOwner(c));
		return jsonResponse(await mod.setCurrency(owner, readJson(c, SetCurrencyRequest).currency));
	});
	app.patch("/lines/:variantId", async (c) => {
		const owner = required(cartOwner(c));
		const variantId = variantParam(c.req.param("variantId"));
		const slot = slotParam(c);
		return jsonResponse(await mod.setQuantity(owner, variantId, readJson(c, SetQuantityRequest), slot));
	});
	app.delete("/lines/:variantId", async (c) => {
		const owner = required(cartOwner(c));
		return jsonResponse(await mod.removeLine(owner, variantParam(c.req.param("variantId")), slotParam(c)));
	});
	app.delete("/", async (c) => jsonResponse(await mod.clear(required(cartOwner(c)))));
	app.post("/coupon", async (c) => {
		const owner = required(cartOwner(c));
		const { code } = readJson(c, ApplyCouponRequest);
		return jsonResponse(await mod.applyCoupon(owner, code, c.get("caller").ip ?? null));
	});
	app.delete("/coupon", async (c) => jsonResponse(await mod.removeCoupon(required(cartOwner(c)))));
	// On login the edge sends the now signed-in caller with the guest cookie's token.
	app.post("/merge", async (c) => {
		const user = c.get("caller").user;
		if (!user || !CustomerId.safeParse(user).success) {
			throw new ServiceError(401, "Merging a guest cart needs a signed-in customer.");
		}
		const guest = guestOwner(c);
		if (guest?.kind !== "guest") {
			throw new ValidationError(`The ${GUEST_TOKEN_HEADER} header is required.`, [
				{ path: GUEST_TOKEN_HEADER, message: "required" },
			]);
		}
		return jsonResponse(await mod.mergeGuestIntoCustomer(guest.token, user));
	});

	return app;
}

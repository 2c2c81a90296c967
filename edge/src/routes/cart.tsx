import { marketByCode } from "@bazaar/contracts/market";
import { Hono } from "hono";
import { coreCart, hasCart } from "../cart/core-cart";
import { addLineForm, isVariantId, lineSlotForm, problemText, quantityForm } from "../cart/form-input";
import { dropForgedGuestCookie, guestToken, guestTokenForWrite, keepGuestToken } from "../cart/guest";
import type { AppContext, AppEnv } from "../env";
import { checkedForm, formFields, sameOrigin } from "../lib/forms";
import { coreTrouble, errorPage, personalPage, seeOther } from "../lib/personal-page";
import { keepMarket } from "../markets/preference";
import { marketOf } from "../markets/state";
import { formBodyLimit } from "../middleware/body";
import { csrfToken } from "../session/csrf";
import { loadSession } from "../session/middleware";
import { type CartNotice, CartPage } from "../views/cart-page";

// The cart page and its forms. Personal: answered `no-store`, never through the catalog caches.
// A guest's cart is named by the cart cookie, a signed-in shopper's by the session.

/** Confirmations after a redirect, by code: the query string never carries text to show. */
const DONE: Record<string, string> = {
	added: "Added to your cart.",
	updated: "Quantity updated.",
	removed: "Removed from your cart.",
	cleared: "Your cart is empty now.",
	coupon: "Code applied.",
	"coupon-removed": "Code removed.",
};

export const cart = new Hono<AppEnv>();

cart.use("*", formBodyLimit(16 * 1024));
cart.use("*", loadSession);
cart.use("*", async (c, next) => {
	await next();
	// Redirects carry cart cookies too: nothing from here may be stored by a shared cache.
	c.res.headers.set("cache-control", "no-store");
});

/** The cart page as it stands now, with a message; a refused form answers with its own status. */
async function showCart(c: AppContext, status: number, notice?: CartNotice) {
	const answer = await coreCart.read(c, guestToken(c));
	if (!answer.ok) return coreTrouble(c, answer.status);
	const csrf = await csrfToken(c, c.get("session"));
	return personalPage(c, status, <CartPage cart={answer.value} csrf={csrf} notice={notice} />);
}

/** A refusal from the core: the shopper's to fix (a 4xx, shown on the cart) or ours (an error page). */
function refused(c: AppContext, status: number, text: string) {
	if (status >= 500 || status === 401) return coreTrouble(c, status);
	return showCart(c, status, { kind: "error", text });
}

cart.get("/", (c) => {
	dropForgedGuestCookie(c);
	const done = DONE[c.req.query("done") ?? ""];
	return showCart(c, 200, done ? { kind: "ok", text: done } : undefined);
});

/**
 * Add to cart, from the product page. That page is cached for everyone, so its form cannot
 * carry a per-shopper CSRF token. The defence is OWASP's "verify origin with standard headers":
 * the browser's Origin must be this site (or, without one, Sec-Fetch-Site must say same-origin);
 * a request with neither is refused, since every browser that could be tricked into posting
 * sends one of them. SameSite=Lax keeps the session and cart cookies off cross-site POSTs as a
 * second layer. The worst a forged add could do is put an item in a cart, never buy it.
 */
cart.post("/add", async (c) => {
	if (!sameOrigin(c, { required: true })) return errorPage(c, 403, "Add to cart from this shop's own pages.");
	const fields = await formFields(c);
	if (!fields) return errorPage(c, 400, "Send this form from the product page.");
	const input = addLineForm(fields);
	if (!input.ok) return showCart(c, input.status ?? 400, { kind: "error", text: problemText(input.problem) });
	// The page names the market whose prices the shopper saw (it may be another than the cookie's,
	// reached by a `?market=` link): the cart is bought in that one, and it becomes the shopper's.
	const { list, market } = await marketOf(c);
	const shown = marketByCode(list, fields.market);
	if (shown && shown.code !== market.code) await keepMarket(c, shown, c.get("session") ?? null);
	// A guest's first add mints the cart token; its cookie is set only if the core took the line.
	const guest = c.get("session") ? null : guestTokenForWrite(c);
	const result = await coreCart.add(c, guest?.token ?? null, input.value);
	if (!result.ok) return refused(c, result.status, problemText(result.problem));
	if (guest?.fresh) keepGuestToken(c, guest.token);
	return seeOther(c, "/cart?done=added");
});

cart.post("/lines/:variantId/quantity", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const variantId = c.req.param("variantId");
	const token = guestToken(c);
	// A booked service's line is named by its slot too (the form's hidden field).
	const slot = lineSlotForm(fields);
	if (slot === "bad") return refused(c, 422, "That booked time is not a date and time.");
	if (!isVariantId(variantId) || !hasCart(c, token)) return refused(c, 404, "That item is not in your cart.");
	const input = quantityForm(fields);
	if (!input.ok) return refused(c, 400, problemText(input.problem));
	if (input.value === "remove") {
		const result = await coreCart.remove(c, token, variantId, slot);
		if (!result.ok && result.status !== 404) return refused(c, result.status, problemText(result.problem));
		return seeOther(c, "/cart?done=removed");
	}
	const result = await coreCart.setQuantity(c, token, variantId, slot, input.value);
	if (!result.ok) {
		const text = result.status === 404 ? "That item is not in your cart." : problemText(result.problem);
		return refused(c, result.status, text);
	}
	return seeOther(c, "/cart?done=updated");
});

cart.post("/lines/:variantId/remove", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const variantId = c.req.param("variantId");
	const token = guestToken(c);
	const slot = lineSlotForm(fields);
	if (slot === "bad") return refused(c, 422, "That booked time is not a date and time.");
	// Removing what is not there (a second click, another tab) leaves the cart as wanted: done.
	if (isVariantId(variantId) && hasCart(c, token)) {
		const result = await coreCart.remove(c, token, variantId, slot);
		if (!result.ok && result.status !== 404) return refused(c, result.status, problemText(result.problem));
	}
	return seeOther(c, "/cart?done=removed");
});

cart.post("/clear", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const token = guestToken(c);
	if (hasCart(c, token)) {
		const result = await coreCart.clear(c, token);
		if (!result.ok) return refused(c, result.status, problemText(result.problem));
	}
	return seeOther(c, "/cart?done=cleared");
});

cart.post("/coupon", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const code = typeof fields.code === "string" ? fields.code.trim() : "";
	if (code === "" || code.length > 64) return refused(c, 400, "Type the code to apply it.");
	const token = guestToken(c);
	const guest = c.get("session") ? null : guestTokenForWrite(c, token);
	const result = await coreCart.applyCoupon(c, guest?.token ?? null, code);
	if (!result.ok) return refused(c, result.status, problemText(result.problem));
	if (guest?.fresh) keepGuestToken(c, guest.token);
	return seeOther(c, "/cart?done=coupon");
});

cart.post("/coupon/remove", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const token = guestToken(c);
	if (hasCart(c, token)) {
		const result = await coreCart.removeCoupon(c, token);
		if (!result.ok) return refused(c, result.status, problemText(result.problem));
	}
	return seeOther(c, "/cart?done=coupon-removed");
});

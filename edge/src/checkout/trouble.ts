import type { Problem } from "@bazaar/contracts";
import type { Cart } from "@bazaar/contracts/cart";
import { OUT_OF_STOCK_TYPE } from "@bazaar/contracts/inventory";
import type { Notice } from "../views/checkout-parts";
import { checkoutCore } from "./core";

// What the shopper reads when the core will not turn the cart into an order: the items named
// by their titles (the core names them by SKU or variant id), each with the reason.

/** A 409 about the cart itself (out of stock, empty, lines that cannot be bought), not the key. */
export function isCartTrouble(problem: Problem): boolean {
	return problem.type === OUT_OF_STOCK_TYPE || /cart/i.test(problem.detail ?? "");
}

const titleOf = (l: Cart["lines"][number]) =>
	l.productTitle ? (l.variantTitle ? `${l.productTitle} (${l.variantTitle})` : l.productTitle) : l.variantId;

export async function cartTroubleNotice(
	env: Env,
	who: Parameters<typeof checkoutCore.cart>[1],
	problem: Problem,
): Promise<Notice> {
	const cart = await checkoutCore.cart(env, who);
	const lines = cart.ok ? cart.value.lines : [];
	const name = (path: string) => {
		const key = path.split("@")[0];
		const line = lines.find((l) => l.sku === key || l.variantId === key);
		return line ? titleOf(line) : path;
	};
	if (problem.type === OUT_OF_STOCK_TYPE) {
		return {
			text: "Some items are no longer in stock in the quantity you asked for. Nothing was ordered or charged.",
			errors: (problem.errors ?? []).map((e) => ({ path: name(e.path), message: e.message })),
		};
	}
	return {
		text: problem.detail ?? "Your cart cannot be ordered as it is.",
		errors: (problem.errors ?? []).map((e) => ({ path: name(e.path), message: e.message })),
	};
}

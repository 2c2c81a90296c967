import type {
	AddLineRequest,
	Cart,
	CartOwner,
	CheckoutCart,
	MergeResult,
	SetQuantityRequest,
} from "@bazaar/contracts/cart";
import type { z } from "zod";
import { Sweeper } from "../lib/sweeper";
import { addLine } from "./add-line";
import { applyCoupon, removeCoupon } from "./apply-coupon";
import { cartForCheckout } from "./cart-for-checkout";
import { clearCart } from "./clear-cart";
import { type CartContext, type CartContextOptions, openCartContext } from "./context";
import { getCart } from "./get-cart";
import { mergeGuestIntoCustomer } from "./merge-guest";
import { purgeExpired } from "./purge-expired";
import { removeLine } from "./remove-line";
import { removeOrderedLines } from "./remove-ordered";
import { setCurrency } from "./set-currency";
import { setQuantity } from "./set-quantity";

// Wires the cart together: its database, the ports it prices and checks lines through, its
// verbs bound to them, and an hourly purge of expired guest carts.

export interface CartOptions extends CartContextOptions {
	/** How often expired guest carts are deleted (reads ignore them anyway); default hourly. */
	purgeIntervalMs?: number;
}

export interface CartModule {
	context: CartContext;
	/** `currency`: what a cart not made yet reads in (the shopper's market's). */
	getCart(owner: CartOwner | null, currency?: string): Promise<Cart>;
	/** `currency`: the shopper's market's; a cart in another one switches to it. */
	addLine(owner: CartOwner, input: z.input<typeof AddLineRequest>, currency?: string): Promise<Cart>;
	/** The shopper changed market: re-price the cart in its currency (never converted). */
	setCurrency(owner: CartOwner, currency: string): Promise<Cart>;
	/** `slot`: which line of the variant (a booked service's); null or absent: its unbooked line. */
	setQuantity(
		owner: CartOwner,
		variantId: string,
		input: z.input<typeof SetQuantityRequest>,
		slot?: string | null,
	): Promise<Cart>;
	removeLine(owner: CartOwner, variantId: string, slot?: string | null): Promise<Cart>;
	clear(owner: CartOwner): Promise<Cart>;
	/** The promotion module checks the code (rate limited); 422 for any code that cannot be used. */
	applyCoupon(owner: CartOwner, code: string, ip: string | null): Promise<Cart>;
	removeCoupon(owner: CartOwner): Promise<Cart>;
	/** On login; idempotent. */
	mergeGuestIntoCustomer(guestToken: string, userId: string): Promise<MergeResult>;
	/** For the order workflow: every line buyable and priced now, or a 409. */
	cartForCheckout(owner: CartOwner): Promise<CheckoutCart>;
	/** For the order workflow, once the order holds them: the ordered lines leave the cart. */
	removeOrderedLines(
		cartId: string,
		lines: { variantId: string; quantity: number; slot?: string | null }[],
		redeemedCoupon?: string | null,
	): Promise<void>;
	purgeExpired(options?: { now?: number; batchSize?: number }): Promise<number>;
	/** Starts the purge timer. */
	start(): void;
	/** Stops the timer (waiting for a purge in flight) and closes the database. */
	stop(): Promise<void>;
}

export async function openCart(options: CartOptions): Promise<CartModule> {
	const ctx = await openCartContext(options);
	const purger = new Sweeper("cart purge", () => purgeExpired(ctx), {
		intervalMs: options.purgeIntervalMs ?? 3_600_000,
		lease: ctx.database,
	});
	return {
		context: ctx,
		getCart: (owner, currency) => getCart(ctx, owner, currency),
		addLine: (owner, input, currency) => addLine(ctx, owner, input, currency),
		setCurrency: (owner, currency) => setCurrency(ctx, owner, currency),
		setQuantity: (owner, variantId, input, slot) => setQuantity(ctx, owner, variantId, input, slot ?? null),
		removeLine: (owner, variantId, slot) => removeLine(ctx, owner, variantId, slot ?? null),
		clear: (owner) => clearCart(ctx, owner),
		applyCoupon: (owner, code, ip) => applyCoupon(ctx, owner, code, ip),
		removeCoupon: (owner) => removeCoupon(ctx, owner),
		mergeGuestIntoCustomer: (token, userId) => mergeGuestIntoCustomer(ctx, token, userId),
		cartForCheckout: (owner) => cartForCheckout(ctx, owner),
		removeOrderedLines: (cartId, lines, redeemedCoupon) =>
			removeOrderedLines(ctx, cartId, lines, redeemedCoupon ?? null),
		purgeExpired: (opts) => purgeExpired(ctx, opts),
		start: () => purger.start(),
		async stop() {
			await purger.stop();
			await ctx.database.close();
		},
	};
}

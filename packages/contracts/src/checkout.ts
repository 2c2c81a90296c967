import { Money } from "@bazaar/money";
import { z } from "zod";
import { AddressId } from "./identity";
import { Address, Billing, Order, OrderDetail, ShippingMethod } from "./order";
import { GatewayName } from "./payment";
import { PricedCart } from "./promotion";

// The checkout workflow's requests and responses (core POST /checkout and /checkout/quote),
// shared by the core and the edge so neither writes the other's types again.

export const CHECKOUT_PLACEHOLDER = "{orderId}";

export const GuestEmail = z.string().trim().max(254).pipe(z.email("a valid email address"));

// Where the order goes, one of three: a shipping address from the customer's address book
// (`addressId`), one given now (`address`), or — for a cart with nothing to ship (digital goods,
// booked services) — only `billing`: the name and the country its tax is computed from. A cart
// that ships nothing also takes an address (its name and country are the billing); one that
// ships needs an address and a shippingMethod (the core says which: 422, naming the field).
const exactlyOneAddress = (r: { address?: unknown; addressId?: unknown; billing?: unknown }) =>
	[r.address, r.addressId, r.billing].filter((v) => v !== undefined).length === 1;
const ONE_ADDRESS = {
	message: "send one of address, addressId or (when nothing in the cart ships) billing",
	path: ["address"],
};

const checkoutFields = {
	addressId: AddressId.optional(),
	address: Address.optional(),
	billing: Billing.optional(),
	/** Required when something in the cart ships; a cart that ships nothing ignores it. */
	shippingMethod: ShippingMethod.optional(),
	/** Default: the payment module's default gateway (the sandbox where it is on, else the first real one). */
	gateway: GatewayName.optional(),
	/** A coupon code typed at checkout; without it, the one applied to the cart (if any) is used. */
	couponCode: z.string().trim().min(1).max(64).optional(),
	/**
	 * A guest's email (required for a guest, who has no account): the order, its confirmation mail
	 * and its signed link belong to it. A signed-in customer's orders go to the account's address.
	 */
	email: GuestEmail.optional(),
};

export const CheckoutRequest = z
	.strictObject({
		...checkoutFields,
		/** On the storefront's origin; `{orderId}` is replaced by the new order's id. */
		returnUrl: z.string().min(1).max(1500),
		cancelUrl: z.string().min(1).max(1500),
	})
	.refine(exactlyOneAddress, ONE_ADDRESS);
export type CheckoutRequest = z.infer<typeof CheckoutRequest>;

/** What an API client sends to the storefront's POST /api/checkout: the edge fills in the URLs. */
export const StorefrontCheckoutRequest = z.strictObject(checkoutFields).refine(exactlyOneAddress, ONE_ADDRESS);
export type StorefrontCheckoutRequest = z.infer<typeof StorefrontCheckoutRequest>;

export const CheckoutPayment = z.object({
	id: z.string(),
	gateway: z.string(),
	status: z.string(),
	redirectUrl: z.string().nullable(),
	clientSecret: z.string().nullable(),
});
export type CheckoutPayment = z.infer<typeof CheckoutPayment>;

export const CheckoutResponse = z.object({ order: Order, payment: CheckoutPayment });
export type CheckoutResponse = z.infer<typeof CheckoutResponse>;

// ---- the quote: what the order would cost, before it is placed -----------------------------------

/** The cart and an address (and, optionally, the method the shopper chose). */
export const QuoteRequest = z
	.strictObject({
		addressId: AddressId.optional(),
		address: Address.optional(),
		billing: Billing.optional(),
		shippingMethod: ShippingMethod.optional(),
	})
	.refine(exactlyOneAddress, ONE_ADDRESS);
export type QuoteRequest = z.infer<typeof QuoteRequest>;

export const QuoteLine = z.object({
	variantId: z.string(),
	sku: z.string(),
	title: z.string(),
	quantity: z.number().int(),
	unitPrice: Money,
	lineTotal: Money,
});

/** The whole order's money: what the review would show. */
export const QuoteTotals = z.object({
	shipping: z.number().int(),
	/** Free because of the subtotal threshold or because nothing ships. */
	free: z.boolean(),
	tax: z.number().int(),
	taxRateBp: z.number().int(),
	discount: z.number().int(),
	total: z.number().int(),
});
export type QuoteTotals = z.infer<typeof QuoteTotals>;

/** Every shipping method with the whole order's money for it. */
export const ShippingOption = QuoteTotals.extend({ method: ShippingMethod });
export type ShippingOption = z.infer<typeof ShippingOption>;

export const Quote = z.object({
	currency: z.string(),
	/** The cart's revision the quote was made from. */
	cartRevision: z.number().int(),
	lines: z.array(QuoteLine),
	subtotal: z.number().int(),
	weightGrams: z.number().int(),
	/** Whether anything in the cart ships: false for digital goods and booked services only. */
	ships: z.boolean(),
	/** The shipping address; null when nothing ships. */
	address: Address.nullable(),
	/** The name and the country the tax is computed from. */
	billing: Billing,
	/** Every shipping method (none when nothing ships). */
	options: z.array(ShippingOption),
	/** The option for the requested method (null when none was asked for, or nothing ships). */
	selected: ShippingOption.nullable(),
	/** What the order will charge: the selected option's money, or, when nothing ships, its only price. */
	due: QuoteTotals.nullable(),
	/** Sale prices, discounts line by line, free shipping and the cart's coupon, as the order would record them. */
	promotion: PricedCart.nullable(),
});
export type Quote = z.infer<typeof Quote>;

/** POST /checkout/orders/:id/confirm: the order as it stands and its latest payment, settled if the gateway says so. */
export const CheckoutConfirmed = z.object({ order: OrderDetail, payment: CheckoutPayment });
export type CheckoutConfirmed = z.infer<typeof CheckoutConfirmed>;

import type { CartOwner } from "@bazaar/contracts/cart";
import { type Quote, QuoteRequest, type QuoteTotals, type ShippingOption } from "@bazaar/contracts/checkout";
import type { Billing, Address as OrderAddress } from "@bazaar/contracts/order";
import { SHIPPING_METHODS } from "@bazaar/contracts/order";
import { cartForCheckout } from "../cart/cart-for-checkout";
import type { CartContext } from "../cart/context";
import { ServiceError } from "../lib/errors";
import { SHIPPING_RATES, shippingRate, totalWeightGrams } from "../order/pricing/shipping";
import { computeTotals } from "../order/pricing/totals";
import type { PromotionModule } from "../promotion/module";
import { cartShips, destinationOf } from "./destination";
import { priceCheckout, promotedOrderLines } from "./promote-checkout";

// What the customer's cart would cost shipped to an address, for the checkout's shipping and
// review steps: every method with its shipping, tax and total. A cart that ships nothing (digital
// goods, booked services) has no methods: its one price is taxed by the billing country. The very pricing code the order
// uses when it is placed, so the review shows what the order will charge; nothing is held or
// written (the stock is read, not reserved: the order's reservation is what counts).

export interface QuoteDeps {
	/** The cart as it prices for a read: catalog prices and the inventory's stock now. */
	cart: CartContext;
	promotions: Pick<PromotionModule, "price">;
	/** The address the request names (null: it names only billing). */
	givenAddress(
		userId: string,
		req: { address?: OrderAddress; addressId?: string; billing?: Billing },
	): Promise<OrderAddress | null>;
}

export async function quoteCheckout(
	deps: QuoteDeps,
	shopper: { id: string; cart: CartOwner },
	body: unknown,
): Promise<Quote> {
	const req = QuoteRequest.parse(body);
	const userId = shopper.id;
	const [given, cart] = await Promise.all([deps.givenAddress(userId, req), cartForCheckout(deps.cart, shopper.cart)]);
	if (!SHIPPING_RATES[cart.currency]) {
		throw new ServiceError(422, `The shop does not ship orders in ${cart.currency}.`);
	}
	const ships = cartShips(cart.lines);
	// Without a method yet, a cart that ships is still quoted: every method is an option.
	const { address, billing } = destinationOf(
		ships,
		{ ...req, shippingMethod: req.shippingMethod ?? "standard" },
		given,
	);
	// The cart's coupon counts here when it holds; one that does not is shown, and checkout says so.
	const priced = await priceCheckout(deps.promotions, cart, userId, cart.couponCode);
	const lines = promotedOrderLines(cart, priced);
	const totalsFor = (method: ShippingOption["method"] | null): QuoteTotals => {
		const { totals } = computeTotals({
			currency: cart.currency,
			lines,
			address: address ?? billing,
			shippingMethod: method,
			freeShipping: priced.freeShipping !== null,
		});
		const free =
			method === null ||
			priced.freeShipping !== null ||
			shippingRate({
				method,
				country: billing.country,
				currency: cart.currency,
				weightGrams: totalWeightGrams(cart.lines),
				subtotal: totals.subtotal - totals.discount,
			}).free;
		return {
			shipping: totals.shipping,
			free,
			tax: totals.tax,
			taxRateBp: totals.taxRateBp,
			discount: totals.discount,
			total: totals.total,
		};
	};
	const options = ships ? SHIPPING_METHODS.map((method): ShippingOption => ({ method, ...totalsFor(method) })) : [];
	const selected = options.find((o) => o.method === req.shippingMethod) ?? null;
	return {
		currency: cart.currency,
		cartRevision: cart.revision,
		// At the prices the order will charge: sale prices where they apply.
		lines: cart.lines.map((l, i) => {
			const unit = lines[i]?.unitPrice ?? l.unitPrice.amount;
			return {
				variantId: l.variantId,
				sku: l.sku,
				title: l.title,
				quantity: l.quantity,
				unitPrice: { amount: unit, currency: cart.currency },
				lineTotal: { amount: unit * l.quantity, currency: cart.currency },
			};
		}),
		subtotal: priced.subtotal,
		weightGrams: cart.weightGrams,
		ships,
		address,
		billing,
		options,
		selected,
		due: ships ? (selected ? withoutMethod(selected) : null) : totalsFor(null),
		promotion: priced,
	};
}

function withoutMethod({ method: _, ...totals }: ShippingOption): QuoteTotals {
	return totals;
}

import { Currency, Money } from "@bazaar/money";
import { z } from "zod";
import { ProductKind, type VariantSummary } from "./catalog";
import { Slot } from "./inventory";
import { type CouponState, PricedCart } from "./promotion";

// The cart's requests, responses and ports. Types are inferred from
// these schemas, never written twice.

export const MAX_LINE_QUANTITY = 99;
export const MAX_LINES = 100;
/** At or below this many units left, a line says how many remain. */
export const LOW_STOCK = 5;
export const GUEST_TOKEN_HEADER = "x-bazaar-cart-token";
/**
 * The currency of the shopper's market (packages/contracts/src/market.ts), sent by the edge: a
 * new cart is priced in it, and adding a line switches a cart in another currency to it.
 */
export const CART_CURRENCY_HEADER = "x-bazaar-currency";

/** PUT /cart/currency: re-price the cart in the market's currency (lines not sold in it are flagged). */
export const SetCurrencyRequest = z.object({ currency: Currency });

/**
 * Services booked by appointment are sold per time slot: a line names the slot's start (UTC,
 * normalised as the inventory spells it). Slots start on the hour, in the future, at most this
 * many days ahead.
 */
export const MAX_SLOT_DAYS_AHEAD = 90;
export const SLOT_STEP_MINUTES = 60;
export { Slot };

/** Catalog variant ids (`var_01H…`); anything else cannot be in a cart. */
export const VariantId = z
	.string()
	.min(3)
	.max(40)
	.regex(/^[a-z]+_[0-9A-Z]+$/, "a variant id such as var_01H…");

/** The edge's guest cart cookie: `randomToken()` from @bazaar/ids, 256 bits base64url. */
export const GuestToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "a 256-bit base64url token");

/** A signed-in caller's user id, as the edge signs it. */
export const CustomerId = z
	.string()
	.min(1)
	.max(64)
	.regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ -");

export const CartOwner = z.discriminatedUnion("kind", [
	z.object({ kind: z.literal("customer"), userId: CustomerId }),
	z.object({ kind: z.literal("guest"), token: GuestToken }),
]);
export type CartOwner = z.infer<typeof CartOwner>;

const Quantity = z
	.number({ error: "quantity must be a number" })
	.int("quantity must be a whole number")
	.min(1, `quantity must be between 1 and ${MAX_LINE_QUANTITY}`)
	.max(MAX_LINE_QUANTITY, `quantity must be between 1 and ${MAX_LINE_QUANTITY}`);

// ---- requests ---------------------------------------------------------------------------------

export const AddLineRequest = z.strictObject({
	variantId: VariantId,
	quantity: Quantity.default(1),
	/** Services booked by appointment only (and then required): the slot's start, UTC. */
	slot: Slot.optional(),
});
export type AddLineRequest = z.infer<typeof AddLineRequest>;

export const SetQuantityRequest = z.strictObject({ quantity: Quantity });
export type SetQuantityRequest = z.infer<typeof SetQuantityRequest>;

/** `PATCH|DELETE /cart/lines/:variantId?slot=…`: which line of the variant (no slot: the unbooked one). */
export const LineQuery = z.object({ slot: Slot.optional() });
export type LineQuery = z.infer<typeof LineQuery>;

// ---- ports (what the cart asks other modules; workflows/cart-ports.ts wires them) -------------

/** Variants by id, priced in one currency; an id the catalog does not know is absent. One call per read. */
export interface CatalogPort {
	variants(ids: string[], currency: string): Promise<Map<string, VariantSummary>>;
}

/** The lines the promotion module prices (list prices from the catalog), keyed by `promotionKey`. */
export interface PromotionLine {
	key: string;
	variantId: string;
	productId: string;
	categoryId: string | null;
	unitPrice: number;
	quantity: number;
}

/** How the cart asks the promotion module (wired by the workflows, like the catalog and inventory ports). */
export interface PromotionPort {
	price(input: {
		currency: string;
		lines: PromotionLine[];
		customerId: string | null;
		couponCode: string | null;
	}): Promise<PricedCart>;
	/** A code the shopper typed: rate limited per subject and address; a 422 for any unusable code. */
	checkCoupon(code: string, attempt: { subject: string; ip: string | null }): Promise<CouponState>;
}

/** A line's key in the promotion module's answer: the variant, and its slot when booked. */
export const promotionKey = (variantId: string, slot: string | null) =>
	slot === null ? variantId : `${variantId}@${slot}`;

export const StockLevel = z.object({
	/** Units that can be bought now; null = unlimited. */
	available: z.number().int().nullable(),
});
export type StockLevel = z.infer<typeof StockLevel>;

/** Whether a variant is sold per time slot, so a cart line of it names one. */
export const needsSlot = (v: Pick<VariantSummary, "kind" | "booking">) =>
	v.kind === "service" && v.booking === "appointment";

/**
 * What the inventory is asked about: a SKU, or a SKU's time slot spelled `sku@slot` as the
 * inventory's availability query spells it (SKUs never contain "@").
 */
export const stockKey = (sku: string, slot: string | null) => (slot === null ? sku : `${sku}@${slot}`);

/**
 * Stock by key (`stockKey`: a SKU, or a SKU at a slot); a key the inventory cannot answer (an
 * unknown SKU, a slot where the SKU takes none) is absent: the cart reads it as sold out.
 */
export interface InventoryPort {
	availability(keys: string[]): Promise<Map<string, StockLevel>>;
}

// ---- responses --------------------------------------------------------------------------------

export const LineStatus = z.enum([
	"ok",
	/** Buyable, but few left. */
	"low_stock",
	/** Fewer left than the line asks for. */
	"insufficient_stock",
	"sold_out",
	/** Archived, draft or gone from the catalog. */
	"unavailable",
	"not_sold_in_currency",
]);
export type LineStatus = z.infer<typeof LineStatus>;

/** A line's unit price then (when the shopper added it) and now, in the cart's currency. */
export const PriceChange = z.object({ from: Money, to: Money });
export type PriceChange = z.infer<typeof PriceChange>;

export const CartLine = z.object({
	variantId: z.string(),
	/** The booked time slot's start (UTC) for services booked by appointment; else null. */
	slot: z.string().nullable(),
	quantity: z.number().int(),
	addedAt: z.string(),
	sku: z.string().nullable(),
	productId: z.string().nullable(),
	productSlug: z.string().nullable(),
	productTitle: z.string().nullable(),
	variantTitle: z.string().nullable(),
	/** The product's category (promotion rules may target it). */
	categoryId: z.string().nullable().optional(),
	kind: ProductKind.nullable(),
	thumbnailHash: z.string().nullable(),
	weightGrams: z.number().int().nullable(),
	/** A booked slot: the merchant's cut-off for changes, in hours before it (as the order will keep it). */
	cancelCutoffHours: z.number().int().nullable().optional(),
	/** Current price, read now (never the price at the time it was added). */
	unitPrice: Money.nullable(),
	lineTotal: Money.nullable(),
	/**
	 * The unit price the shopper last saw for this line: noted when it was added, and again
	 * whenever they add more of it or change its quantity. Null for lines kept from before the
	 * cart noted prices.
	 */
	addedUnitPrice: Money.nullable(),
	/** The current unit price differs from `addedUnitPrice` (same currency); else null. */
	priceChange: PriceChange.nullable(),
	/** Can be bought as it stands. */
	available: z.boolean(),
	/** Units left; null when unlimited or unknown. */
	availableQuantity: z.number().int().nullable(),
	status: LineStatus,
	/** For the shopper: "only 3 left", "sold out", "no longer available", "not sold in EUR". */
	message: z.string().nullable(),
});
export type CartLine = z.infer<typeof CartLine>;

/** A line that can no longer be bought as it stands, or soon cannot: its status and message. */
export const LineStatusWarning = z.object({
	variantId: z.string(),
	slot: z.string().nullable(),
	status: LineStatus,
	message: z.string(),
});
export type LineStatusWarning = z.infer<typeof LineStatusWarning>;

/**
 * A line whose unit price is not the one the shopper added it at ("price changed from €12.50
 * to €14.00 since you added it"). Informational: the line is bought at `to`, and checkout is
 * not blocked by it. A line can carry this and a status warning at once.
 */
export const PriceChangedWarning = z.object({
	variantId: z.string(),
	slot: z.string().nullable(),
	status: z.literal("price_changed"),
	message: z.string(),
	...PriceChange.shape,
});
export type PriceChangedWarning = z.infer<typeof PriceChangedWarning>;

/** What the shopper should be told about a line, told apart by `status`. */
export const CartWarning = z.discriminatedUnion("status", [LineStatusWarning, PriceChangedWarning]);
export type CartWarning = z.infer<typeof CartWarning>;

export const Cart = z.object({
	/** null until the first line is added. */
	id: z.string().nullable(),
	owner: z.enum(["customer", "guest"]).nullable(),
	currency: Currency,
	/** Bumped by every change: the checkout can tell the cart it reviewed from a newer one. */
	revision: z.number().int(),
	lines: z.array(CartLine),
	/** Sum of the lines that can be bought, in minor units. */
	subtotal: Money,
	/** Units over all lines (the header's cart count). */
	itemCount: z.number().int(),
	/** Every line can be bought and there is at least one. */
	checkoutReady: z.boolean(),
	warnings: z.array(CartWarning),
	/** The coupon code applied to the cart (checked again on every read: see promotion.coupon). */
	couponCode: z.string().nullable().default(null),
	/** Sale prices, discounts line by line, free shipping and the coupon's state, priced now; null with no promotions wired or no lines. */
	promotion: PricedCart.nullable().default(null),
	updatedAt: z.string().nullable(),
	/** Guest carts only. */
	expiresAt: z.string().nullable(),
});
export type Cart = z.infer<typeof Cart>;

export const MergeResult = z.object({
	cart: Cart,
	/** Guest lines added or summed into the customer's cart (0 when there was nothing to merge). */
	mergedLines: z.number().int(),
	/** Lines whose summed quantity was cut to the per-line limit. */
	cappedLines: z.number().int(),
	/** Guest lines left out because the customer's cart was full. */
	droppedLines: z.number().int(),
});
export type MergeResult = z.infer<typeof MergeResult>;

export const CheckoutLine = z.object({
	variantId: z.string(),
	sku: z.string(),
	productId: z.string(),
	productTitle: z.string(),
	variantTitle: z.string(),
	categoryId: z.string().nullable(),
	/** For the order line: "Product (Variant)", with the booked time: "Massage — Tue 1 Dec 2026, 10:00 UTC". */
	title: z.string(),
	/** The booked slot (services by appointment); null otherwise. */
	slot: z.string().nullable(),
	kind: ProductKind,
	quantity: z.number().int(),
	unitPrice: Money,
	lineTotal: Money,
	/** Shipping weight of one unit: 0 for digital goods and services, and when the catalog has none. */
	weightGrams: z.number().int(),
	/** A booked slot: the cut-off for changes as sold (hours before the slot); absent otherwise. */
	cancelCutoffHours: z.number().int().optional(),
});
export type CheckoutLine = z.infer<typeof CheckoutLine>;

/** What the order workflow prices an order from: every line buyable, priced now. */
export const CheckoutCart = z.object({
	cartId: z.string(),
	revision: z.number().int(),
	currency: Currency,
	lines: z.array(CheckoutLine),
	subtotal: Money,
	itemCount: z.number().int(),
	couponCode: z.string().nullable(),
	/** Physical lines only (lines without a weight count 0). */
	weightGrams: z.number().int(),
});
export type CheckoutCart = z.infer<typeof CheckoutCart>;

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A slot for people: "Tue 1 Dec 2026, 10:00 UTC" (the same words on the cart page and the order). */
export function slotLabel(slot: string): string {
	const d = new Date(slot);
	if (Number.isNaN(d.getTime())) return slot;
	const hh = String(d.getUTCHours()).padStart(2, "0");
	const mm = String(d.getUTCMinutes()).padStart(2, "0");
	return `${DAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`;
}

// ---- guests at checkout -------------------------------------------------------------------------

/**
 * A guest shopper's id, as the edge signs it for checkout and their orders: derived from the cart
 * token, so it is stable for as long as the cookie lives, names nobody, and reveals no token.
 */
export const GuestId = z.string().regex(/^gst_[A-Za-z0-9_-]{43}$/, "a guest id (gst_…)");
export type GuestId = z.infer<typeof GuestId>;
/** The role the edge signs a guest caller with (checkout and the guest's own orders only). */
export const GUEST_ROLE = "guest";

/** `gst_` + base64url(SHA-256 of the token, domain-separated). Web Crypto: the same in workerd and Bun. */
export async function guestIdOf(token: string): Promise<string> {
	const digest = new Uint8Array(
		await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`bazaar-guest-v1:${token}`)),
	);
	let bin = "";
	for (const b of digest) bin += String.fromCharCode(b);
	return `gst_${btoa(bin).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "")}`;
}

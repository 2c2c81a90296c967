import type { VariantSummary } from "@bazaar/contracts";
import {
	type Cart,
	type CartLine,
	type CartOwner,
	type CartWarning,
	type LineStatus,
	LOW_STOCK,
	type PriceChange,
	promotionKey,
	type StockLevel,
	stockKey,
} from "@bazaar/contracts/cart";
import { DEFAULT_CANCEL_CUTOFF_HOURS } from "@bazaar/contracts/order";
import type { PricedCart } from "@bazaar/contracts/promotion";
import { formatMoney, type Money, money } from "@bazaar/money";
import type { CartContext } from "./context";
import type { CartSnapshot } from "./records";
import { slotMismatch, slotProblem } from "./slot-rules";

// The re-check every read runs: current prices from the catalog, current stock from the
// inventory, one batch call to each whatever the number of lines (never one per line).

export async function priceCart(
	ctx: CartContext,
	snapshot: CartSnapshot,
	owner: CartOwner | null = null,
	/** The currency a cart not made yet reads in (the shopper's market's); default the module's. */
	fresh: string = ctx.currency,
): Promise<Cart> {
	const currency = snapshot.header?.currency ?? fresh;
	const { variants, stock } = await lookUp(ctx, snapshot.lines, currency);
	const now = ctx.now();
	const lines = snapshot.lines.map((l) => priceLine(l, variants.get(l.variantId), stock, currency, now));
	let subtotal = 0;
	let itemCount = 0;
	const warnings: CartWarning[] = [];
	for (const line of lines) {
		itemCount += line.quantity;
		if (line.available && line.lineTotal) subtotal += line.lineTotal.amount;
		if (line.message) {
			warnings.push({ variantId: line.variantId, slot: line.slot, status: line.status, message: line.message });
		}
		if (line.priceChange) {
			const { from, to } = line.priceChange;
			warnings.push({
				variantId: line.variantId,
				slot: line.slot,
				status: "price_changed",
				message: `price changed from ${formatMoney(from)} to ${formatMoney(to)} since you added it`,
				from,
				to,
			});
		}
	}
	const couponCode = snapshot.header?.couponCode ?? null;
	return {
		id: snapshot.header?.id ?? null,
		couponCode,
		promotion: await promote(ctx, lines, currency, owner, couponCode),
		owner: snapshot.header?.ownerKind ?? null,
		currency,
		revision: snapshot.header?.revision ?? 0,
		lines,
		subtotal: money(subtotal, currency),
		itemCount,
		checkoutReady: lines.length > 0 && lines.every((l) => l.available),
		warnings,
		updatedAt: snapshot.header?.updatedAt ?? null,
		expiresAt: snapshot.header?.expiresAt ?? null,
	};
}

/**
 * Variants, then stock for the lines that can still be sold (a booked line: its slot's
 * capacity; a line whose slot breaks the service's rule is not asked about): two calls at most.
 */
export async function lookUp(
	ctx: CartContext,
	lines: readonly { variantId: string; slot: string | null }[],
	currency: string,
) {
	if (lines.length === 0) {
		return { variants: new Map<string, VariantSummary>(), stock: new Map<string, StockLevel>() };
	}
	const variants = await ctx.catalog.variants(
		lines.map((l) => l.variantId),
		currency,
	);
	const keys = new Set<string>();
	for (const l of lines) {
		const v = variants.get(l.variantId);
		// Whether a slot is there decides the question; its time is the cart's own rule.
		if (v && sellable(v, currency) === null && slotMismatch(v, l.slot) === null) {
			keys.add(stockKey(v.sku, l.slot));
		}
	}
	const stock = keys.size > 0 ? await ctx.inventory.availability([...keys]) : new Map<string, StockLevel>();
	return { variants, stock };
}

/** Why a variant cannot be sold at all (whatever the quantity), or null. */
export function sellable(
	v: VariantSummary | undefined,
	currency: string,
): { status: LineStatus; message: string } | null {
	if (v?.status !== "active") return { status: "unavailable", message: "no longer available" };
	if (v.price?.currency !== currency) {
		return { status: "not_sold_in_currency", message: `not sold in ${currency}` };
	}
	return null;
}

/** What `quantity` units of a sellable variant (at a slot, for a booked service) meet in stock. */
export function stockCheck(
	level: StockLevel | undefined,
	quantity: number,
	slot: string | null = null,
): { status: LineStatus; message: string | null; available: number | null } {
	// A SKU the inventory does not stock cannot be bought.
	const available = level === undefined ? 0 : level.available;
	const left = (n: number) =>
		slot === null ? `only ${n} left` : `only ${n} ${n === 1 ? "place" : "places"} left at this time`;
	if (available === null) return { status: "ok", message: null, available };
	if (available <= 0) {
		return { status: "sold_out", message: slot === null ? "sold out" : "this time is fully booked", available: 0 };
	}
	if (available < quantity) return { status: "insufficient_stock", message: left(available), available };
	if (available <= LOW_STOCK) return { status: "low_stock", message: left(available), available };
	return { status: "ok", message: null, available };
}

function priceLine(
	line: CartSnapshot["lines"][number],
	v: VariantSummary | undefined,
	stock: Map<string, StockLevel>,
	currency: string,
	now: number,
): CartLine {
	const wrongSlot = v ? slotProblem(v, line.slot, now) : null;
	const refused = sellable(v, currency) ?? (wrongSlot ? { status: "unavailable" as const, message: wrongSlot } : null);
	const checked = refused
		? null
		: stockCheck(stock.get(stockKey((v as VariantSummary).sku, line.slot)), line.quantity, line.slot);
	const status = refused?.status ?? checked?.status ?? "ok";
	const unitPrice: Money | null = v?.price && v.price.currency === currency ? v.price : null;
	return {
		variantId: line.variantId,
		slot: line.slot,
		quantity: line.quantity,
		addedAt: line.addedAt,
		sku: v?.sku ?? null,
		productId: v?.productId ?? null,
		productSlug: v?.productSlug ?? null,
		productTitle: v?.productTitle ?? null,
		variantTitle: v?.variantTitle ?? null,
		categoryId: v?.categoryId ?? null,
		kind: v?.kind ?? null,
		thumbnailHash: v?.thumbnailHash ?? null,
		weightGrams: v?.weightGrams ?? null,
		...(line.slot ? { cancelCutoffHours: v?.cancelCutoffHours ?? DEFAULT_CANCEL_CUTOFF_HOURS } : {}),
		unitPrice,
		lineTotal: unitPrice ? money(unitPrice.amount * line.quantity, currency) : null,
		addedUnitPrice: line.addedPrice,
		// A line that cannot be sold at all says that, not how its price moved.
		priceChange: refused ? null : priceChange(line.addedPrice, unitPrice),
		available: status === "ok" || status === "low_stock",
		availableQuantity: checked?.available ?? null,
		status,
		message: refused?.message ?? checked?.message ?? null,
	};
}

/**
 * The price then and now, when they differ. One with no price then (stored before prices were
 * noted) or noted in another currency has nothing to compare with, so it never warns.
 */
export function priceChange(then: Money | null, now: Money | null): PriceChange | null {
	if (!then || !now || then.currency !== now.currency || then.amount === now.amount) return null;
	return { from: then, to: now };
}

/**
 * The promotion module's prices for the lines that can be bought (one call whatever their
 * number): sale prices, discounts line by line, free shipping, the coupon's state. The cart's
 * own subtotal stays at list prices; the storefront shows both.
 */
async function promote(
	ctx: CartContext,
	lines: CartLine[],
	currency: string,
	owner: CartOwner | null,
	couponCode: string | null,
): Promise<PricedCart | null> {
	if (!ctx.promotions) return null;
	const priced = lines.filter((l) => l.available && l.unitPrice && l.productId);
	if (priced.length === 0) return null;
	return ctx.promotions.price({
		currency,
		lines: priced.map((l) => ({
			key: promotionKey(l.variantId, l.slot),
			variantId: l.variantId,
			productId: l.productId as string,
			categoryId: l.categoryId ?? null,
			unitPrice: (l.unitPrice as Money).amount,
			quantity: l.quantity,
		})),
		customerId: owner?.kind === "customer" ? owner.userId : null,
		couponCode,
	});
}

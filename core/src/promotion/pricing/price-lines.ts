import type { AppliedDiscount, PricedCart, PromotedLine, Rule, Target } from "@bazaar/contracts/promotion";
import { formatMoney } from "@bazaar/money";

// The promotion engine: lines at list prices and the rules that are live now → every line's
// price and discounts, in integers only. Pure (no clock, no database), so the cart, the quote
// and the order price with the very same code. The stacking, in four levels applied in turn
// (README.md in this folder says it for shop staff):
//
//   1. price    — sale_price: a line's unit price becomes the first rule's sale price for its
//                 variant, when below the list price.
//   2. item     — percent_off (any target), amount_off on products/categories (per unit),
//                 buy_x_get_y: each line takes at most ONE item rule, the first that gives it
//                 a discount; on top of its sale price.
//   3. order    — tiered, amount_off on the whole shop: at most ONE per order, the first that
//                 gives a discount, over what its lines cost after level 2, pro-rated onto them.
//   4. shipping — free_shipping: the first whose minimum spend the goods (after 2 and 3) reach.
//
// "First" is the order of `sortRules`: rules a coupon unlocked first (the shopper asked for
// them), then the activity's priority (high first), the rule's priority (high first), its id.

export interface PricingLine {
	key: string;
	variantId: string;
	productId: string;
	categoryId: string | null;
	/** The catalog's price of one unit, in the cart's currency. */
	unitPrice: number;
	quantity: number;
}

/** A rule that is live now, with what the engine needs of its activity. */
export interface LiveRule {
	rule: Rule;
	activity: { id: string; slug: string; badge: string; priority: number };
	/** The applied coupon that unlocked it (couponOnly rules only). */
	couponCode: string | null;
}

export type EngineResult = Omit<PricedCart, "coupon">;

export function sortRules(rules: LiveRule[]): LiveRule[] {
	return [...rules].sort(
		(a, b) =>
			Number(b.couponCode !== null) - Number(a.couponCode !== null) ||
			b.activity.priority - a.activity.priority ||
			b.rule.priority - a.rule.priority ||
			(a.rule.id < b.rule.id ? -1 : a.rule.id > b.rule.id ? 1 : 0),
	);
}

/** Half away from zero of amount × bp / 10,000, in integers. */
export function basisPointsOf(amount: number, bp: number): number {
	return Math.floor((amount * bp + 5_000) / 10_000);
}

export function matches(target: Target, line: Pick<PricingLine, "productId" | "categoryId">): boolean {
	if (target.scope === "shop") return true;
	if (target.scope === "products") return target.productIds.includes(line.productId);
	return line.categoryId !== null && target.categoryIds.includes(line.categoryId);
}

/** What the shopper reads when the admin gave no label. */
export function defaultLabel(spec: Rule["spec"]): string {
	switch (spec.kind) {
		case "percent_off":
			return `${trimPercent(spec.percentBp)} off`;
		case "amount_off":
			return `${formatMoney({ amount: spec.amount, currency: spec.currency })} off${spec.target.scope === "shop" ? " your order" : ""}`;
		case "tiered":
			return spec.tiers
				.map(
					(t) =>
						`spend ${formatMoney({ amount: t.minSpend, currency: spec.currency })}, save ${formatMoney({ amount: t.off, currency: spec.currency })}`,
				)
				.join("; ")
				.replace(/^s/, "S");
		case "buy_x_get_y":
			return `Buy ${spec.buy}, get ${spec.get} ${spec.percentBp === 10_000 ? "free" : `${trimPercent(spec.percentBp)} off`}`;
		case "free_shipping":
			return spec.minSpend && spec.currency
				? `Free shipping from ${formatMoney({ amount: spec.minSpend, currency: spec.currency })}`
				: "Free shipping";
		case "sale_price":
			return "Sale price";
	}
}

function trimPercent(bp: number): string {
	return `${(bp / 100).toFixed(2).replace(/\.?0+$/, "")}%`;
}

export function priceLines(currency: string, input: PricingLine[], live: LiveRule[]): EngineResult {
	const rules = sortRules(live);
	const lines = input.map((l) => ({
		...l,
		listUnitPrice: l.unitPrice,
		salePrice: null as AppliedDiscount | null,
		discounts: [] as AppliedDiscount[],
		badge: null as string | null,
	}));
	const applied = new Map<string, AppliedDiscount>();
	const note = (d: AppliedDiscount) => {
		const seen = applied.get(d.ruleId);
		if (seen) seen.amount += d.amount;
		else applied.set(d.ruleId, { ...d });
	};
	const discountOf = (r: LiveRule, amount: number): AppliedDiscount => ({
		ruleId: r.rule.id,
		activityId: r.activity.id,
		activitySlug: r.activity.slug,
		badge: r.activity.badge,
		kind: r.rule.spec.kind,
		label: r.rule.label,
		amount,
		couponCode: r.couponCode,
	});

	// 1. price
	for (const line of lines) {
		for (const r of rules) {
			if (r.rule.spec.kind !== "sale_price") continue;
			const sale = r.rule.spec.prices.find((p) => p.variantId === line.variantId && p.currency === currency);
			if (!sale || sale.amount >= line.listUnitPrice) continue;
			line.unitPrice = sale.amount;
			line.salePrice = discountOf(r, (line.listUnitPrice - sale.amount) * line.quantity);
			line.badge = r.activity.badge;
			note(line.salePrice);
			break;
		}
	}
	const lineTotal = (l: (typeof lines)[number]) => l.unitPrice * l.quantity;
	const discounted = (l: (typeof lines)[number]) => l.discounts.reduce((s, d) => s + d.amount, 0);
	const give = (l: (typeof lines)[number], d: AppliedDiscount) => {
		if (d.amount <= 0) return;
		l.discounts.push(d);
		l.badge ??= d.badge;
		note(d);
	};

	// 2. item
	const claimed = new Set<number>();
	for (const r of rules) {
		const spec = r.rule.spec;
		if (spec.kind !== "percent_off" && spec.kind !== "buy_x_get_y" && spec.kind !== "amount_off") continue;
		if (spec.kind === "amount_off" && (spec.target.scope === "shop" || spec.currency !== currency)) continue;
		const mine = lines
			.map((_l, i) => i)
			.filter((i) => !claimed.has(i) && matches(spec.target, lines[i] as PricingLine));
		if (mine.length === 0) continue;
		const amounts = new Map<number, number>();
		if (spec.kind === "percent_off") {
			for (const i of mine)
				amounts.set(i, basisPointsOf(lineTotal(lines[i] as (typeof lines)[number]), spec.percentBp));
		} else if (spec.kind === "amount_off") {
			for (const i of mine) {
				const l = lines[i] as (typeof lines)[number];
				amounts.set(i, Math.min(spec.amount, l.unitPrice) * l.quantity);
			}
		} else {
			// Every unit, dearest first; in each full group of buy + get units the last `get` are the cheapest.
			const units = mine
				.flatMap((i) => Array.from({ length: (lines[i] as PricingLine).quantity }, () => i))
				.sort((a, b) => (lines[b] as PricingLine).unitPrice - (lines[a] as PricingLine).unitPrice || a - b);
			const group = spec.buy + spec.get;
			for (let g = 0; g + group <= units.length; g += group) {
				for (let k = g + spec.buy; k < g + group; k++) {
					const i = units[k] as number;
					const off = basisPointsOf((lines[i] as PricingLine).unitPrice, spec.percentBp);
					amounts.set(i, (amounts.get(i) ?? 0) + off);
				}
			}
		}
		const total = [...amounts.values()].reduce((s, a) => s + a, 0);
		if (total <= 0) continue;
		for (const i of mine) {
			claimed.add(i);
			give(lines[i] as (typeof lines)[number], discountOf(r, amounts.get(i) ?? 0));
		}
	}

	// 3. order
	for (const r of rules) {
		const spec = r.rule.spec;
		const isOrderRule = spec.kind === "tiered" || (spec.kind === "amount_off" && spec.target.scope === "shop");
		if (!isOrderRule || spec.currency !== currency) continue;
		const mine = lines.filter((l) => matches(spec.target, l));
		const base = mine.reduce((s, l) => s + lineTotal(l) - discounted(l), 0);
		if (base <= 0) continue;
		let off = 0;
		if (spec.kind === "amount_off") off = Math.min(spec.amount, base);
		else {
			const tier = [...spec.tiers].reverse().find((t) => base >= t.minSpend);
			off = tier ? Math.min(tier.off, base) : 0;
		}
		if (off <= 0) continue;
		const shares = prorate(
			off,
			mine.map((l) => lineTotal(l) - discounted(l)),
		);
		mine.forEach((l, i) => {
			give(l, discountOf(r, shares[i] as number));
		});
		break;
	}

	const goods = lines.reduce((s, l) => s + lineTotal(l) - discounted(l), 0);

	// 4. shipping
	let freeShipping: AppliedDiscount | null = null;
	for (const r of rules) {
		const spec = r.rule.spec;
		if (spec.kind !== "free_shipping") continue;
		if (spec.minSpend !== undefined && (spec.currency !== currency || goods < spec.minSpend)) continue;
		freeShipping = discountOf(r, 0);
		note(freeShipping);
		break;
	}

	const out: PromotedLine[] = lines.map((l) => {
		const total = lineTotal(l);
		const discountTotal = discounted(l);
		return {
			key: l.key,
			listUnitPrice: l.listUnitPrice,
			unitPrice: l.unitPrice,
			quantity: l.quantity,
			lineTotal: total,
			discounts: l.discounts,
			discountTotal,
			netTotal: total - discountTotal,
			salePrice: l.salePrice,
			badge: l.badge,
		};
	});
	return {
		currency,
		lines: out,
		subtotal: out.reduce((s, l) => s + l.lineTotal, 0),
		discount: out.reduce((s, l) => s + l.discountTotal, 0),
		freeShipping,
		applied: [...applied.values()],
	};
}

/**
 * Splits `amount` over `weights` in proportion, in integers that sum to `amount` exactly
 * (largest remainder; ties to the earlier weight). Used for order discounts onto lines and for
 * refunds onto what was paid.
 */
export function prorate(amount: number, weights: number[]): number[] {
	const total = weights.reduce((s, w) => s + w, 0);
	if (total <= 0) return weights.map((_, i) => (i === 0 ? amount : 0));
	// BigInt: amount × weight can pass 2^53 for large orders; money never goes through a float.
	const parts = weights.map((w, i) => {
		const product = BigInt(amount) * BigInt(w);
		return { i, floor: Number(product / BigInt(total)), rest: product % BigInt(total) };
	});
	let left = amount - parts.reduce((s, p) => s + p.floor, 0);
	const byRest = [...parts].sort((a, b) => (b.rest > a.rest ? 1 : b.rest < a.rest ? -1 : a.i - b.i));
	for (const p of byRest) {
		if (left <= 0) break;
		p.floor++;
		left--;
	}
	return parts.map((p) => p.floor);
}

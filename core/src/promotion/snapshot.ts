import type { Activity, PromotionSnapshot } from "@bazaar/contracts/promotion";
import { sql } from "drizzle-orm";
import { NotFoundError } from "../lib/errors";
import { iso, type PromotionContext } from "./context";
import { currentVersion, loadActivities } from "./records";

// What the storefront renders from: every enabled activity that has not ended, with its sale
// prices, what its automatic rules cover and their labels — and the version it was read at.
// The edge decides "running" from the UTC instants with its own clock, so a start or an end
// shows on time without a push (the cache keys also carry the time window they were made in).

export async function promotionSnapshot(ctx: PromotionContext): Promise<PromotionSnapshot> {
	const nowIso = iso(ctx.now());
	const db = ctx.database.db;
	const [version, list] = await Promise.all([
		currentVersion(db),
		loadActivities(db, sql`enabled = 1 AND ends_at > ${nowIso}`, nowIso),
	]);
	return { version, activities: list.map(publicActivity) };
}

/** The landing page's activity: 404 unless enabled and not ended (a scheduled one shows its countdown). */
export async function activityBySlug(ctx: PromotionContext, slug: string) {
	const nowIso = iso(ctx.now());
	const [found] = await loadActivities(
		ctx.database.db,
		sql`slug = ${slug} AND enabled = 1 AND ends_at > ${nowIso}`,
		nowIso,
	);
	if (!found) throw new NotFoundError("The sale");
	return publicActivity(found);
}

function publicActivity(a: Activity): PromotionSnapshot["activities"][number] {
	const automatic = a.rules.filter((r) => !r.couponOnly);
	const productIds = new Set<string>();
	const categoryIds = new Set<string>();
	let wholeShop = false;
	const coverCurrencies = new Set<string>();
	let anyCurrency = false;
	const salePrices: PromotionSnapshot["activities"][number]["salePrices"] = [];
	for (const r of automatic) {
		const spec = r.spec;
		if (spec.kind === "sale_price") {
			for (const p of spec.prices) {
				salePrices.push({
					variantId: p.variantId,
					...(p.productId ? { productId: p.productId } : {}),
					amount: p.amount,
					currency: p.currency,
				});
				if (p.productId) productIds.add(p.productId);
			}
			continue;
		}
		const currency = "currency" in spec ? spec.currency : undefined;
		if (currency) coverCurrencies.add(currency);
		else anyCurrency = true;
		if ("target" in spec) {
			if (spec.target.scope === "shop") wholeShop = true;
			else if (spec.target.scope === "products") for (const id of spec.target.productIds) productIds.add(id);
			else for (const id of spec.target.categoryIds) categoryIds.add(id);
		} else if (spec.kind === "free_shipping") wholeShop = true;
	}
	const { state: _state, rules: _rules, createdAt: _c, updatedAt: _u, ...rest } = a;
	return {
		...rest,
		salePrices,
		productIds: [...productIds],
		categoryIds: [...categoryIds],
		wholeShop,
		coverCurrencies: anyCurrency ? null : [...coverCurrencies],
		offers: automatic.map((r) => r.label),
	};
}

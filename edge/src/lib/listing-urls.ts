import { type ProductQuery, productQueryToParams } from "@bazaar/contracts";

const DEFAULT_LIMIT = "24";

/**
 * A listing link in canonical order (so links shared by pages hit one cache entry), without
 * defaults, the currency (the market's) and what the path already says (the category on a category page).
 */
export function listingHref(base: string, q: ProductQuery, cursor: string | null, omit: string[] = []): string {
	const params = productQueryToParams(q);
	for (const key of omit) params.delete(key);
	if (params.get("limit") === DEFAULT_LIMIT) params.delete("limit");
	// Pages list in their market's currency (markets/state.ts), whatever a link would say.
	params.delete("currency");
	params.delete("cursor");
	if (cursor) params.set("cursor", cursor);
	const qs = params.toString();
	return qs ? `${base}?${qs}` : base;
}

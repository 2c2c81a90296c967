import { type ProductQuery, productQueryToParams } from "@bazaar/contracts";
import { DEFAULT_CURRENCY } from "@bazaar/money";

const DEFAULT_LIMIT = "24";

/**
 * A listing link in canonical order (so links shared by pages hit one cache entry), without
 * defaults and without what the path already says (the category on a category page).
 */
export function listingHref(base: string, q: ProductQuery, cursor: string | null, omit: string[] = []): string {
	const params = productQueryToParams(q);
	for (const key of omit) params.delete(key);
	if (params.get("limit") === DEFAULT_LIMIT) params.delete("limit");
	if (params.get("currency") === DEFAULT_CURRENCY) params.delete("currency");
	params.delete("cursor");
	if (cursor) params.set("cursor", cursor);
	const qs = params.toString();
	return qs ? `${base}?${qs}` : base;
}

import type { ProductList, ProductQuery } from "@bazaar/contracts";
import type { Catalog } from "./context";
import { queryProducts } from "./product-query";

/** Full-text search (FTS5, bm25-ranked, prefix matching) with the list's filters and sorts. */
export function searchProducts(catalog: Catalog, query: ProductQuery): Promise<ProductList> {
	return queryProducts(catalog, query, "search");
}

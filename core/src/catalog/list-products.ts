import type { ProductList, ProductQuery } from "@bazaar/contracts";
import type { Catalog } from "./context";
import { queryProducts } from "./product-query";

/** Active products by category (with its descendants) and filters, keyset-paged. */
export function listProducts(catalog: Catalog, query: ProductQuery): Promise<ProductList> {
	return queryProducts(catalog, query, "list");
}

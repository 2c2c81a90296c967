import type { Product } from "@bazaar/contracts";
import type { Catalog } from "./context";
import { loadProduct } from "./read-model";

/** The public product page: drafts and archived products are not found. */
export function getProductBySlug(catalog: Catalog, slug: string): Promise<Product> {
	return loadProduct(catalog.database.db, { slug, publicOnly: true });
}

/** The admin view: any status. */
export function getProductById(catalog: Catalog, id: string): Promise<Product> {
	return loadProduct(catalog.database.db, { id, publicOnly: false });
}

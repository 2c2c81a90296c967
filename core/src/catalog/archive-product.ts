import type { Product } from "@bazaar/contracts";
import { eq } from "drizzle-orm";
import { NotFoundError } from "../lib/errors";
import { type Catalog, catalogWrite, nowIso } from "./context";
import { getProductById } from "./get-product";
import { products } from "./schema";

/** Archiving hides a product from the shop but keeps it (orders and links refer to it). */
export async function archiveProduct(catalog: Catalog, id: string): Promise<Product> {
	await catalogWrite(catalog, async (tx, emit) => {
		const [row] = await tx.select().from(products).where(eq(products.id, id)).limit(1);
		if (!row) throw new NotFoundError(`Product ${id}`);
		if (row.status === "archived") return; // idempotent: no change, no event
		await tx.update(products).set({ status: "archived", updatedAt: nowIso() }).where(eq(products.id, id));
		emit("catalog.product.archived", { productId: id, slug: row.slug, categoryId: row.categoryId });
	});
	return getProductById(catalog, id);
}

import type { Product, ProductPatch } from "@bazaar/contracts";
import { eq } from "drizzle-orm";
import { NotFoundError } from "../lib/errors";
import { type Catalog, catalogWrite, nowIso } from "./context";
import { getProductById } from "./get-product";
import { products } from "./schema";
import { assertCategoryExists, checkKindDetails, chooseSlug, replaceAttributes } from "./write-helpers";

export async function updateProduct(catalog: Catalog, id: string, patch: ProductPatch): Promise<Product> {
	await catalogWrite(catalog, async (tx, emit) => {
		const [row] = await tx.select().from(products).where(eq(products.id, id)).limit(1);
		if (!row) throw new NotFoundError(`Product ${id}`);
		checkKindDetails(row.kind, patch.digital, patch.service);
		if (patch.categoryId !== undefined) await assertCategoryExists(tx, patch.categoryId);
		const slug = patch.slug !== undefined ? await chooseSlug(tx, products, patch.slug, row.title, id) : row.slug;
		const { attributes, ...fields } = patch;
		await tx
			.update(products)
			.set({ ...fields, slug, updatedAt: nowIso() })
			.where(eq(products.id, id));
		if (attributes !== undefined) await replaceAttributes(tx, id, attributes);
		const archived = patch.status === "archived" && row.status !== "archived";
		emit(archived ? "catalog.product.archived" : "catalog.product.updated", {
			productId: id,
			slug,
			...(slug !== row.slug ? { previousSlug: row.slug } : {}),
			categoryId: patch.categoryId ?? row.categoryId,
		});
	});
	return getProductById(catalog, id);
}

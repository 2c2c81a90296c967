import type { Product, ProductInput } from "@bazaar/contracts";
import { newId } from "@bazaar/ids";
import { ConflictError, isUniqueViolation } from "../lib/errors";
import { type Catalog, catalogWrite, nowIso } from "./context";
import { getProductById } from "./get-product";
import { products } from "./schema";
import {
	assertCategoryExists,
	checkKindDetails,
	checkVariantPrices,
	chooseSlug,
	insertVariant,
	refreshDerived,
	replaceAttributes,
} from "./write-helpers";

export async function createProduct(catalog: Catalog, input: ProductInput): Promise<Product> {
	checkKindDetails(input.kind, input.digital, input.service);
	input.variants.forEach((v, i) => {
		checkVariantPrices(v, `variants.${i}`);
	});
	const skus = new Set(input.variants.map((v) => v.sku));
	if (skus.size !== input.variants.length) throw new ConflictError("Each variant needs its own SKU.");
	const id = newId("prod");
	await catalogWrite(catalog, async (tx, emit) => {
		await assertCategoryExists(tx, input.categoryId);
		const slug = await chooseSlug(tx, products, input.slug, input.title);
		const now = nowIso();
		try {
			await tx.insert(products).values({
				id,
				slug,
				kind: input.kind,
				status: input.status,
				title: input.title,
				description: input.description,
				brand: input.brand,
				categoryId: input.categoryId,
				digital: input.digital,
				service: input.service,
				createdAt: now,
				updatedAt: now,
			});
		} catch (err) {
			if (isUniqueViolation(err)) throw new ConflictError(`The slug "${slug}" is already in use.`);
			throw err;
		}
		for (const [i, v] of input.variants.entries()) await insertVariant(tx, id, v, i);
		await replaceAttributes(tx, id, input.attributes);
		await refreshDerived(tx, [id]);
		emit("catalog.product.created", { productId: id, slug, categoryId: input.categoryId });
	});
	return getProductById(catalog, id);
}

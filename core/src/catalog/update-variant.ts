import type { Variant, VariantPatch } from "@bazaar/contracts";
import { eq } from "drizzle-orm";
import { NotFoundError } from "../lib/errors";
import { type Catalog, catalogWrite, nowIso } from "./context";
import { loadVariants } from "./read-model";
import { products, variantPrices, variants } from "./schema";
import { checkVariantPrices, refreshDerived, replaceVariantPrices, variantTitle } from "./write-helpers";

export async function updateVariant(catalog: Catalog, id: string, patch: VariantPatch): Promise<Variant> {
	const productId = await catalogWrite(catalog, async (tx, emit) => {
		const [row] = await tx.select().from(variants).where(eq(variants.id, id)).limit(1);
		if (!row) throw new NotFoundError(`Variant ${id}`);
		const options = patch.options ?? row.options;
		await tx
			.update(variants)
			.set({
				title: patch.title ?? (patch.options ? variantTitle({ options }) : row.title),
				options,
				...(patch.inStock !== undefined ? { inStock: patch.inStock } : {}),
				...(patch.weightGrams !== undefined ? { weightGrams: patch.weightGrams } : {}),
				updatedAt: nowIso(),
			})
			.where(eq(variants.id, id));
		if (patch.prices !== undefined || patch.compareAtPrices !== undefined) {
			// Prices and compare-at prices are replaced as a whole; a missing half keeps its rows.
			const current = await tx.select().from(variantPrices).where(eq(variantPrices.variantId, id));
			const prices = patch.prices ?? current.map((p) => ({ amount: p.amount, currency: p.currency }));
			const compareAtPrices =
				patch.compareAtPrices ??
				current
					.flatMap((p) => (p.compareAt === null ? [] : [{ amount: p.compareAt, currency: p.currency }]))
					.filter((c) => prices.some((p) => p.currency === c.currency));
			checkVariantPrices({ prices, compareAtPrices }, "(root)");
			await replaceVariantPrices(tx, id, prices, compareAtPrices);
		}
		await refreshDerived(tx, [row.productId]);
		const [product] = await tx
			.update(products)
			.set({ updatedAt: nowIso() })
			.where(eq(products.id, row.productId))
			.returning({ slug: products.slug, categoryId: products.categoryId });
		emit("catalog.variant.updated", { productId: row.productId, slug: product?.slug, categoryId: product?.categoryId });
		return row.productId;
	});
	const variant = ((await loadVariants(catalog.database.db, [productId])).get(productId) ?? []).find(
		(v) => v.id === id,
	);
	if (!variant) throw new NotFoundError(`Variant ${id}`);
	return variant;
}

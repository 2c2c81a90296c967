import type { Variant, VariantInput } from "@bazaar/contracts";
import { eq, sql } from "drizzle-orm";
import { NotFoundError } from "../lib/errors";
import { type Catalog, catalogWrite, nowIso } from "./context";
import { loadVariants } from "./read-model";
import { products, variants } from "./schema";
import { checkVariantPrices, insertVariant, refreshDerived } from "./write-helpers";

export async function addVariant(catalog: Catalog, productId: string, input: VariantInput): Promise<Variant> {
	checkVariantPrices(input, "(root)");
	const variantId = await catalogWrite(catalog, async (tx, emit) => {
		const [row] = await tx.select().from(products).where(eq(products.id, productId)).limit(1);
		if (!row) throw new NotFoundError(`Product ${productId}`);
		const [pos] = await tx
			.select({ next: sql<number>`coalesce(max(${variants.position}) + 1, 0)` })
			.from(variants)
			.where(eq(variants.productId, productId));
		const id = await insertVariant(tx, productId, input, pos?.next ?? 0);
		await refreshDerived(tx, [productId]);
		await tx.update(products).set({ updatedAt: nowIso() }).where(eq(products.id, productId));
		emit("catalog.variant.created", { productId, slug: row.slug, categoryId: row.categoryId });
		return id;
	});
	const list = (await loadVariants(catalog.database.db, [productId])).get(productId) ?? [];
	const variant = list.find((v) => v.id === variantId);
	if (!variant) throw new NotFoundError(`Variant ${variantId}`);
	return variant;
}

import type { Category, CategoryPatch } from "@bazaar/contracts";
import { eq } from "drizzle-orm";
import { NotFoundError, ValidationError } from "../lib/errors";
import { type Catalog, catalogWrite, nowIso } from "./context";
import { getCategory } from "./create-category";
import { descendantIds, loadCategoryTree } from "./read-model";
import { categories } from "./schema";
import { assertCategoryExists, chooseSlug } from "./write-helpers";

export async function updateCategory(catalog: Catalog, id: string, patch: CategoryPatch): Promise<Category> {
	await catalogWrite(catalog, async (tx, emit) => {
		const [row] = await tx.select().from(categories).where(eq(categories.id, id)).limit(1);
		if (!row) throw new NotFoundError(`Category ${id}`);
		if (patch.parentId) {
			await assertCategoryExists(tx, patch.parentId, "parentId");
			// Moving a category under itself or its own subtree would cut it off from the tree.
			if (descendantIds(await loadCategoryTree(tx), id).includes(patch.parentId)) {
				throw new ValidationError("A category cannot be moved under itself or its descendants.", [
					{ path: "parentId", message: "would create a cycle" },
				]);
			}
		}
		const slug = patch.slug !== undefined ? await chooseSlug(tx, categories, patch.slug, row.name, id) : row.slug;
		await tx
			.update(categories)
			.set({ ...patch, slug, updatedAt: nowIso() })
			.where(eq(categories.id, id));
		emit("catalog.category.updated", { categoryId: id, slug });
	});
	return getCategory(catalog, id);
}

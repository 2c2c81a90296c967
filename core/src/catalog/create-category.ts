import type { Category, CategoryInput } from "@bazaar/contracts";
import { newId } from "@bazaar/ids";
import { eq } from "drizzle-orm";
import { NotFoundError } from "../lib/errors";
import { type Catalog, catalogWrite, nowIso } from "./context";
import { toCategory } from "./read-model";
import { categories } from "./schema";
import { assertCategoryExists, chooseSlug } from "./write-helpers";

export async function createCategory(catalog: Catalog, input: CategoryInput): Promise<Category> {
	const id = newId("cat");
	await catalogWrite(catalog, async (tx, emit) => {
		if (input.parentId !== null) await assertCategoryExists(tx, input.parentId, "parentId");
		const slug = await chooseSlug(tx, categories, input.slug, input.name);
		const now = nowIso();
		await tx.insert(categories).values({
			id,
			slug,
			name: input.name,
			description: input.description,
			parentId: input.parentId,
			position: input.position,
			createdAt: now,
			updatedAt: now,
		});
		emit("catalog.category.created", { categoryId: id, slug });
	});
	return getCategory(catalog, id);
}

export async function getCategory(catalog: Catalog, id: string): Promise<Category> {
	const [row] = await catalog.database.db.select().from(categories).where(eq(categories.id, id)).limit(1);
	if (!row) throw new NotFoundError(`Category ${id}`);
	// A category just written has no count in hand; a full count lives in the category list.
	return toCategory(row, 0);
}

import type { Category, CategoryList } from "@bazaar/contracts";
import { sql } from "drizzle-orm";
import { type Catalog, readVersion } from "./context";
import { loadCategoryTree, toCategory } from "./read-model";

/** Every category, tree order (parents before children), counting active products below each. */
export async function listCategories(catalog: Catalog): Promise<CategoryList> {
	const db = catalog.database.db;
	const tree = await loadCategoryTree(db);
	const direct = await db.all<{ categoryId: string; n: number }>(
		sql`SELECT category_id AS categoryId, count(*) AS n FROM products WHERE status = 'active' GROUP BY category_id`,
	);
	const own = new Map(direct.map((r) => [r.categoryId, r.n]));
	const total = new Map<string, number>();
	const count = (id: string, seen: Set<string>): number => {
		const cached = total.get(id);
		if (cached !== undefined) return cached;
		if (seen.has(id)) return 0;
		seen.add(id);
		let n = own.get(id) ?? 0;
		for (const child of tree.children.get(id) ?? []) n += count(child.id, seen);
		total.set(id, n);
		return n;
	};
	const items: Category[] = [];
	const walk = (parent: string | null) => {
		for (const row of tree.children.get(parent) ?? []) {
			items.push(toCategory(row, count(row.id, new Set())));
			walk(row.id);
		}
	};
	walk(null);
	return { items, version: await readVersion(catalog) };
}

import type { SitemapPage, SitemapQuery } from "@bazaar/contracts";
import { sql } from "drizzle-orm";
import { type Catalog, readVersion } from "./context";

/**
 * One page of the active products for sitemap.xml (slug and last change), in a stable order
 * (creation, then id, on the status index), with the count that tells the edge how many pages
 * there are. Two statements whatever the page size.
 */
export async function listSitemap(catalog: Catalog, query: SitemapQuery): Promise<SitemapPage> {
	const db = catalog.database.db;
	const [count] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM products WHERE status = 'active'`);
	const items = await db.all<{ slug: string; updatedAt: string }>(
		sql`SELECT slug, updated_at AS updatedAt FROM products WHERE status = 'active'
			ORDER BY created_at, id LIMIT ${query.size} OFFSET ${(query.page - 1) * query.size}`,
	);
	return { totalProducts: count?.n ?? 0, items, version: await readVersion(catalog) };
}

import { type AdminProductList, AdminProductQuery, type ProductKind, type ProductStatus } from "@bazaar/contracts";
import { toPage } from "@bazaar/contracts/list";
import { DEFAULT_CURRENCY } from "@bazaar/money";
import { sql } from "drizzle-orm";
import { olderThan, whereAll } from "../lib/keyset";
import type { Catalog } from "./context";
import { categoryScope } from "./read-model";
import { ftsMatchExpression } from "./search-syntax";

// Staff: every product whatever its status (drafts and archived ones, which the shop's lists
// hide), newest first, one query per page (keyset on (created_at, id)). Text is matched by the
// shop's own search index, so staff find what shoppers would, plus an exact slug or id.

export async function listAdminProducts(
	catalog: Catalog,
	query: Partial<AdminProductQuery> = {},
): Promise<AdminProductList> {
	const q = AdminProductQuery.parse(query);
	const db = catalog.database.db;
	const categoryIds = q.category ? await categoryScope(db, q.category) : undefined;
	const match = q.q ? ftsMatchExpression(q.q) : null;
	const text = q.q
		? sql`(p.slug = ${q.q} OR p.id = ${q.q}${match ? sql` OR p.seq IN (SELECT rowid FROM product_search WHERE product_search MATCH ${match})` : sql``})`
		: undefined;
	const rows = await db.all<{
		id: string;
		slug: string;
		kind: ProductKind;
		status: ProductStatus;
		title: string;
		brand: string | null;
		categoryId: string;
		inStock: number;
		amount: number | null;
		createdAt: string;
		updatedAt: string;
	}>(sql`SELECT p.id, p.slug, p.kind, p.status, p.title, p.brand, p.category_id AS categoryId,
			p.in_stock AS inStock, pp.amount, p.created_at AS createdAt, p.updated_at AS updatedAt
		FROM products p LEFT JOIN product_prices pp ON pp.product_id = p.id AND pp.currency = ${DEFAULT_CURRENCY}${whereAll(
			[
				q.status ? sql`p.status = ${q.status}` : undefined,
				q.kind ? sql`p.kind = ${q.kind}` : undefined,
				categoryIds
					? sql`p.category_id IN (${sql.join(
							categoryIds.map((id) => sql`${id}`),
							sql`, `,
						)})`
					: undefined,
				text,
				olderThan(q.cursor, sql`p.created_at`, sql`p.id`),
			],
		)}
		ORDER BY p.created_at DESC, p.id DESC LIMIT ${q.limit + 1}`);
	return toPage(
		rows,
		q.limit,
		(r) => [r.createdAt, r.id],
		({ amount, inStock, ...r }) => ({
			...r,
			inStock: Boolean(inStock),
			price: amount === null ? null : { amount: Number(amount), currency: DEFAULT_CURRENCY },
		}),
	);
}

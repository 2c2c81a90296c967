import type { ProductList, ProductQuery, ProductSort, ProductSummary } from "@bazaar/contracts";
import { decodeCursor, encodeCursor } from "@bazaar/contracts/list";
import { type SQL, sql } from "drizzle-orm";
import { ValidationError } from "../lib/errors";
import type { Catalog } from "./context";
import { readVersion } from "./context";
import { categoryScope, loadImages } from "./read-model";
import { ftsMatchExpression } from "./search-syntax";

// The list and the search are one query shape: active products joined to their price in the
// requested currency, narrowed by filters, ordered by one sort with the id as tie-breaker, and
// paged by keyset (WHERE (key, id) > (last key, last id)), never OFFSET, so a page costs the
// same at page 1 and page 100 and a change between pages cannot duplicate or skip a product.
//
// Statements per page: categories (only with a category filter), the page, its thumbnails,
// facets, price range, version. None depends on the page size.

type SortKey = string | number;

interface SortSpec {
	/** SQL of the sort key (without the id tie-breaker). */
	key: SQL;
	dir: "asc" | "desc";
	keyType: "string" | "number";
}

function sortSpec(sort: ProductSort): SortSpec {
	switch (sort) {
		case "newest":
			return { key: sql`p.created_at`, dir: "desc", keyType: "string" };
		case "price_asc":
			return { key: sql`pp.amount`, dir: "asc", keyType: "number" };
		case "price_desc":
			return { key: sql`pp.amount`, dir: "desc", keyType: "number" };
		case "rating":
			// Unrated products (NULL) sort after every rated one.
			return { key: sql`coalesce(p.rating_avg, -1)`, dir: "desc", keyType: "number" };
		case "relevance":
			// bm25 is lower-is-better.
			return { key: sql`s.score`, dir: "asc", keyType: "number" };
	}
}

interface Cursor {
	sort: ProductSort;
	key: SortKey;
	id: string;
}

function sortCursor(raw: string, sort: ProductSort, spec: SortSpec): Cursor {
	const invalid = () =>
		new ValidationError("The cursor is not valid for this query.", [{ path: "cursor", message: "invalid cursor" }]);
	const parsed = decodeCursor(raw);
	if (parsed?.length !== 3) throw invalid();
	const [s, key, id] = parsed as unknown[];
	if (s !== sort || typeof id !== "string" || id.length > 64) throw invalid();
	if (spec.keyType === "number" ? typeof key !== "number" || !Number.isFinite(key) : typeof key !== "string") {
		throw invalid();
	}
	return { sort, key: key as SortKey, id };
}

const FACET_VALUES_LIMIT = 20;

export async function queryProducts(catalog: Catalog, q: ProductQuery, mode: "list" | "search"): Promise<ProductList> {
	const db = catalog.database.db;
	if (mode === "search" && !q.q)
		throw new ValidationError("A search needs a query `q`.", [{ path: "q", message: "required" }]);
	const sort: ProductSort = q.sort ?? (q.q ? "relevance" : "newest");
	if (sort === "relevance" && !q.q) {
		throw new ValidationError("Sorting by relevance needs a search query `q`.", [{ path: "sort", message: "needs q" }]);
	}
	const spec = sortSpec(sort);
	const cursor = q.cursor ? sortCursor(q.cursor, sort, spec) : null;

	const categoryIds = q.category ? await categoryScope(db, q.category) : null;

	const match = q.q ? ftsMatchExpression(q.q) : null;
	const version = await readVersion(catalog);
	// Input with no searchable word (only punctuation, say) matches nothing rather than erring.
	if (q.q && match === null) return { items: [], nextCursor: null, facets: [], priceRange: null, version };

	const from = (opts: { price: boolean; exceptAttr?: string }): SQL => {
		const where: SQL[] = [sql`p.status = 'active'`];
		if (categoryIds)
			where.push(
				sql`p.category_id IN (${sql.join(
					categoryIds.map((id) => sql`${id}`),
					sql`, `,
				)})`,
			);
		if (q.ids)
			where.push(
				sql`p.id IN (${sql.join(
					q.ids.map((id) => sql`${id}`),
					sql`, `,
				)})`,
			);
		if (q.kind) where.push(sql`p.kind = ${q.kind}`);
		if (q.inStock !== undefined) where.push(sql`p.in_stock = ${q.inStock ? 1 : 0}`);
		if (q.minRating !== undefined) where.push(sql`p.rating_avg >= ${q.minRating}`);
		if (opts.price && q.minPrice !== undefined) where.push(sql`pp.amount >= ${q.minPrice}`);
		if (opts.price && q.maxPrice !== undefined) where.push(sql`pp.amount <= ${q.maxPrice}`);
		for (const [name, values] of Object.entries(q.attr)) {
			if (name === opts.exceptAttr || values.length === 0) continue;
			// AND across attribute names, OR within one name.
			where.push(
				sql`p.id IN (SELECT product_id FROM product_attributes WHERE name = ${name} AND value IN (${sql.join(
					values.map((v) => sql`${v}`),
					sql`, `,
				)}))`,
			);
		}
		const search = match
			? sql` JOIN (SELECT rowid AS seq, bm25(product_search, 10.0, 6.0, 1.0, 3.0) AS score FROM product_search WHERE product_search MATCH ${match}) s ON s.seq = p.seq`
			: sql``;
		return sql`FROM products p JOIN product_prices pp ON pp.product_id = p.id AND pp.currency = ${q.currency}${search} WHERE ${sql.join(where, sql` AND `)}`;
	};

	const dir = spec.dir === "asc" ? sql`ASC` : sql`DESC`;
	const after = cursor
		? spec.dir === "asc"
			? sql` AND (${spec.key}, p.id) > (${cursor.key}, ${cursor.id})`
			: sql` AND (${spec.key}, p.id) < (${cursor.key}, ${cursor.id})`
		: sql``;
	const rows = await db.all<PageRow>(
		sql`SELECT p.id, p.slug, p.kind, p.title, p.brand, p.category_id AS categoryId, p.in_stock AS inStock,
			p.rating_avg AS ratingAvg, p.rating_count AS ratingCount, p.created_at AS createdAt,
			pp.amount, pp.compare_at AS compareAt, ${spec.key} AS sortKey
			${from({ price: true })}${after}
			ORDER BY ${spec.key} ${dir}, p.id ${dir}
			LIMIT ${q.limit + 1}`,
	);
	const page = rows.slice(0, q.limit);
	const last = page[page.length - 1];
	const nextCursor = rows.length > q.limit && last ? encodeCursor([sort, last.sortKey, last.id]) : null;

	const thumbs = await loadImages(
		db,
		page.map((r) => r.id),
		["thumb", "card"],
	);
	const items: ProductSummary[] = page.map((r) => ({
		id: r.id,
		slug: r.slug,
		kind: r.kind,
		title: r.title,
		brand: r.brand,
		categoryId: r.categoryId,
		price: { amount: r.amount, currency: q.currency },
		compareAtPrice: r.compareAt === null ? null : { amount: r.compareAt, currency: q.currency },
		inStock: Boolean(r.inStock),
		thumbnail: thumbs.get(r.id)?.[0] ?? null,
		rating: { average: r.ratingAvg, count: r.ratingCount },
		createdAt: r.createdAt,
	}));

	// Facets count what each choice would give: a name's own selection is left out of its
	// counts (OR within a name), every other filter applies. One statement for all names.
	const filtered = Object.keys(q.attr).filter((n) => (q.attr[n]?.length ?? 0) > 0);
	const facetParts: SQL[] = [
		sql`SELECT pa.name AS name, pa.value AS value, count(*) AS n FROM product_attributes pa
			WHERE pa.product_id IN (SELECT p.id ${from({ price: true })})
			${
				filtered.length > 0
					? sql`AND pa.name NOT IN (${sql.join(
							filtered.map((n) => sql`${n}`),
							sql`, `,
						)})`
					: sql``
			}
			GROUP BY pa.name, pa.value`,
		...filtered.map(
			(name) => sql`SELECT pa.name AS name, pa.value AS value, count(*) AS n FROM product_attributes pa
				WHERE pa.name = ${name} AND pa.product_id IN (SELECT p.id ${from({ price: true, exceptAttr: name })})
				GROUP BY pa.name, pa.value`,
		),
	];
	const facetRows = await db.all<{ name: string; value: string; n: number }>(sql.join(facetParts, sql` UNION ALL `));
	const facetMap = new Map<string, { value: string; count: number }[]>();
	for (const r of facetRows) facetMap.set(r.name, [...(facetMap.get(r.name) ?? []), { value: r.value, count: r.n }]);
	const facets = [...facetMap]
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([name, values]) => ({
			name,
			values: values.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)).slice(0, FACET_VALUES_LIMIT),
		}));

	// The price range ignores the price filter itself, so a price slider can widen again.
	const [range] = await db.all<{ min: number | null; max: number | null }>(
		sql`SELECT min(pp.amount) AS min, max(pp.amount) AS max ${from({ price: false })}`,
	);
	const priceRange =
		range && range.min !== null && range.max !== null
			? { min: { amount: range.min, currency: q.currency }, max: { amount: range.max, currency: q.currency } }
			: null;

	return { items, nextCursor, facets, priceRange, version };
}

interface PageRow {
	id: string;
	slug: string;
	kind: "physical" | "digital" | "service";
	title: string;
	brand: string | null;
	categoryId: string;
	inStock: number;
	ratingAvg: number | null;
	ratingCount: number;
	createdAt: string;
	amount: number;
	compareAt: number | null;
	sortKey: SortKey;
}

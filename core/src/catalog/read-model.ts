import type { Category, ImageRef, ImageSource, Product, Variant } from "@bazaar/contracts";
import type { Money } from "@bazaar/money";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db as AnyDb } from "../lib/db";
import { NotFoundError } from "../lib/errors";
import { categories, imageSources, images, productAttributes, products, variantPrices, variants } from "./schema";

// Loaders shared by the read verbs. Each loads a whole set in one query (IN (...)), so the
// number of statements per request is fixed, whatever the page size.

// biome-ignore lint/suspicious/noExplicitAny: loaders run on the module db and on transactions alike
type Db = AnyDb<any>;

export type CategoryRow = typeof categories.$inferSelect;

export interface CategoryTree {
	rows: CategoryRow[];
	byId: Map<string, CategoryRow>;
	bySlug: Map<string, CategoryRow>;
	children: Map<string | null, CategoryRow[]>;
}

export async function loadCategoryTree(db: Db): Promise<CategoryTree> {
	const rows = await db.select().from(categories).orderBy(asc(categories.position), asc(categories.name));
	const byId = new Map(rows.map((r) => [r.id, r]));
	const bySlug = new Map(rows.map((r) => [r.slug, r]));
	const children = new Map<string | null, CategoryRow[]>();
	for (const r of rows) {
		const key = r.parentId && byId.has(r.parentId) ? r.parentId : null;
		children.set(key, [...(children.get(key) ?? []), r]);
	}
	return { rows, byId, bySlug, children };
}

/** The ids of the category with this slug and of everything below it (a list's category filter); unknown → 404. */
export async function categoryScope(db: Db, slug: string): Promise<string[]> {
	const tree = await loadCategoryTree(db);
	const category = tree.bySlug.get(slug);
	if (!category) throw new NotFoundError(`Category "${slug}"`);
	return descendantIds(tree, category.id);
}

/** The category and everything below it. */
export function descendantIds(tree: CategoryTree, id: string): string[] {
	const out: string[] = [];
	const stack = [id];
	const seen = new Set<string>();
	while (stack.length > 0) {
		const next = stack.pop() as string;
		if (seen.has(next)) continue;
		seen.add(next);
		out.push(next);
		for (const child of tree.children.get(next) ?? []) stack.push(child.id);
	}
	return out;
}

/** Root first, the category itself last. */
export function ancestry(tree: CategoryTree, id: string): CategoryRow[] {
	const out: CategoryRow[] = [];
	const seen = new Set<string>();
	let current = tree.byId.get(id);
	while (current && !seen.has(current.id)) {
		seen.add(current.id);
		out.unshift(current);
		current = current.parentId ? tree.byId.get(current.parentId) : undefined;
	}
	return out;
}

export function toCategory(row: CategoryRow, productCount: number): Category {
	return {
		id: row.id,
		slug: row.slug,
		name: row.name,
		description: row.description,
		parentId: row.parentId,
		position: row.position,
		productCount,
	};
}

const SIZE_ORDER = { thumb: 0, card: 1, full: 2 } as const;

/** Images of many products, in display order; `sizes` narrows the sources (listings). */
export async function loadImages(
	db: Db,
	productIds: string[],
	sizes?: ("thumb" | "card" | "full")[],
): Promise<Map<string, ImageRef[]>> {
	const out = new Map<string, ImageRef[]>();
	if (productIds.length === 0) return out;
	const rows = await db
		.select({
			productId: images.productId,
			id: images.id,
			alt: images.alt,
			position: images.position,
			size: imageSources.size,
			hash: imageSources.hash,
			contentType: imageSources.contentType,
			width: imageSources.width,
			height: imageSources.height,
			bytes: imageSources.bytes,
		})
		.from(images)
		.innerJoin(imageSources, eq(imageSources.imageId, images.id))
		.where(
			sizes
				? and(inArray(images.productId, productIds), inArray(imageSources.size, sizes))
				: inArray(images.productId, productIds),
		)
		.orderBy(asc(images.productId), asc(images.position), asc(images.id));
	const byImage = new Map<string, ImageRef>();
	for (const r of rows) {
		let ref = byImage.get(r.id);
		if (!ref) {
			ref = { id: r.id, alt: r.alt, position: r.position, sources: [] };
			byImage.set(r.id, ref);
			out.set(r.productId, [...(out.get(r.productId) ?? []), ref]);
		}
		const source: ImageSource = {
			size: r.size,
			hash: r.hash,
			contentType: r.contentType,
			width: r.width,
			height: r.height,
			bytes: r.bytes,
		};
		ref.sources.push(source);
	}
	for (const ref of byImage.values()) ref.sources.sort((a, b) => SIZE_ORDER[a.size] - SIZE_ORDER[b.size]);
	return out;
}

/** Variants of many products with their prices, keyed by product id. */
export async function loadVariants(db: Db, productIds: string[]): Promise<Map<string, Variant[]>> {
	const out = new Map<string, Variant[]>();
	if (productIds.length === 0) return out;
	const rows = await db
		.select({
			variant: variants,
			currency: variantPrices.currency,
			amount: variantPrices.amount,
			compareAt: variantPrices.compareAt,
		})
		.from(variants)
		.leftJoin(variantPrices, eq(variantPrices.variantId, variants.id))
		.where(inArray(variants.productId, productIds))
		.orderBy(asc(variants.productId), asc(variants.position), asc(variants.id), asc(variantPrices.currency));
	const byId = new Map<string, Variant>();
	for (const r of rows) {
		let v = byId.get(r.variant.id);
		if (!v) {
			v = {
				id: r.variant.id,
				sku: r.variant.sku,
				title: r.variant.title,
				options: r.variant.options,
				prices: [],
				compareAtPrices: [],
				inStock: r.variant.inStock,
				weightGrams: r.variant.weightGrams,
			};
			byId.set(v.id, v);
			out.set(r.variant.productId, [...(out.get(r.variant.productId) ?? []), v]);
		}
		if (r.currency !== null && r.amount !== null) {
			v.prices.push({ amount: r.amount, currency: r.currency } satisfies Money);
			if (r.compareAt !== null) v.compareAtPrices.push({ amount: r.compareAt, currency: r.currency });
		}
	}
	return out;
}

/** The option axes (size, colour, ...) of a product, in the order its variants introduce them. */
export function optionAxes(list: Variant[]): { name: string; values: string[] }[] {
	const axes = new Map<string, string[]>();
	for (const v of list) {
		for (const [name, value] of Object.entries(v.options)) {
			const values = axes.get(name) ?? [];
			if (!values.includes(value)) values.push(value);
			axes.set(name, values);
		}
	}
	return [...axes].map(([name, values]) => ({ name, values }));
}

export type ProductLookup = { slug: string; publicOnly: true } | { id: string; publicOnly: false };

/** A product with everything its page shows: 5 statements, however many variants or images. */
export async function loadProduct(db: Db, lookup: ProductLookup): Promise<Product> {
	const where = "slug" in lookup ? eq(products.slug, lookup.slug) : eq(products.id, lookup.id);
	const [row] = await db.select().from(products).where(where).limit(1);
	if (!row || (lookup.publicOnly && row.status !== "active")) {
		throw new NotFoundError("slug" in lookup ? `Product "${lookup.slug}"` : `Product ${lookup.id}`);
	}
	const [tree, variantMap, imageMap, attrRows] = [
		await loadCategoryTree(db),
		await loadVariants(db, [row.id]),
		await loadImages(db, [row.id]),
		await db
			.select({ name: productAttributes.name, value: productAttributes.value })
			.from(productAttributes)
			.where(eq(productAttributes.productId, row.id))
			.orderBy(asc(productAttributes.name), asc(productAttributes.value)),
	];
	const chain = ancestry(tree, row.categoryId);
	const category = tree.byId.get(row.categoryId);
	const attributes: Record<string, string[]> = {};
	for (const a of attrRows) attributes[a.name] = [...(attributes[a.name] ?? []), a.value];
	const variantList = variantMap.get(row.id) ?? [];
	return {
		id: row.id,
		slug: row.slug,
		kind: row.kind,
		status: row.status,
		title: row.title,
		description: row.description,
		brand: row.brand,
		category: category
			? { id: category.id, slug: category.slug, name: category.name }
			: { id: row.categoryId, slug: "uncategorised", name: "Uncategorised" },
		breadcrumbs: chain.map((c) => ({ slug: c.slug, name: c.name })),
		attributes,
		options: optionAxes(variantList),
		variants: variantList,
		images: imageMap.get(row.id) ?? [],
		digital: row.kind === "digital" ? (row.digital ?? null) : null,
		service: row.kind === "service" ? (row.service ?? null) : null,
		rating: { average: row.ratingAvg, count: row.ratingCount, histogram: row.ratingHistogram },
		createdAt: row.createdAt,
		updatedAt: row.updatedAt,
	};
}

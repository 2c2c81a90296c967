import { slugify } from "@bazaar/ids";
import { count, sql } from "drizzle-orm";
import { type Catalog, catalogWrite } from "../catalog/context";
import {
	categories,
	imageSources,
	images,
	productAttributes,
	products,
	variantPrices,
	variants,
} from "../catalog/schema";
import { refreshDerived } from "../catalog/write-helpers";
import type { TxDb } from "../lib/db";
import { type Scene, sceneFor } from "./pictures";
import { chance, int, pick, pickSome, type Rng, rng, seededId } from "./random";
import { renderPictures } from "./render-pictures";
import { DEPARTMENTS, type Leaf } from "./taxonomy";

// The demo catalog: deterministic (same ids, names, prices and pictures on every run), spread
// over every department and all three kinds, written in one transaction.

export interface SeedOptions {
	products: number;
	/** Do nothing when the catalog already has products (a second `npm start`). */
	ifEmpty?: boolean;
	/** Replace an existing catalog instead of refusing. */
	reset?: boolean;
	seed?: number;
}

export interface SeedResult {
	skipped: boolean;
	categories: number;
	products: number;
	variants: number;
	images: number;
	ms: number;
}

/** Catalog "now" for the seed, fixed so that createdAt (and ids) are reproducible. */
const SEED_EPOCH = Date.UTC(2025, 10, 1);
const DAY = 86_400_000;

type ProductRow = typeof products.$inferInsert;
type VariantRow = typeof variants.$inferInsert;
type PriceRow = typeof variantPrices.$inferInsert;
type AttributeRow = typeof productAttributes.$inferInsert;
type ImageRow = typeof images.$inferInsert;
type SourceRow = typeof imageSources.$inferInsert;
type CategoryRow = typeof categories.$inferInsert;

export class CatalogNotEmptyError extends Error {}

export async function seedCatalog(catalog: Catalog, options: SeedOptions): Promise<SeedResult> {
	const started = performance.now();
	const [existing] = await catalog.database.db.select({ n: count() }).from(products);
	const n = existing?.n ?? 0;
	if (n > 0 && options.ifEmpty) return { skipped: true, categories: 0, products: 0, variants: 0, images: 0, ms: 0 };
	if (n > 0 && !options.reset) {
		throw new CatalogNotEmptyError(`the catalog already has ${n} products (use --reset to replace them)`);
	}

	const data = await generate(options.products, options.seed ?? 1111, catalog.imagesDir);
	await catalogWrite(catalog, async (tx, emit) => {
		if (n > 0 || options.reset) await clearCatalog(tx);
		await insertChunked(tx, categories, data.categories);
		await insertChunked(tx, products, data.products);
		await insertChunked(tx, variants, data.variants);
		await insertChunked(tx, variantPrices, data.prices);
		await insertChunked(tx, productAttributes, data.attributes);
		await insertChunked(tx, images, data.images);
		await insertChunked(tx, imageSources, data.sources);
		await refreshDerived(tx, null);
		for (const c of data.categories) emit("catalog.category.created", { categoryId: c.id, slug: c.slug });
		for (const p of data.products) {
			emit("catalog.product.created", { productId: p.id, slug: p.slug, categoryId: p.categoryId });
		}
	});
	return {
		skipped: false,
		categories: data.categories.length,
		products: data.products.length,
		variants: data.variants.length,
		images: data.images.length,
		ms: Math.round(performance.now() - started),
	};
}

async function clearCatalog(tx: TxDb) {
	for (const table of [
		"image_sources",
		"images",
		"product_attributes",
		"product_prices",
		"variant_prices",
		"variants",
		"products",
		"categories",
	]) {
		await tx.run(sql.raw(`DELETE FROM ${table}`));
	}
}

// biome-ignore lint/suspicious/noExplicitAny: any drizzle table with rows of its own insert type
async function insertChunked(tx: TxDb, table: any, rows: Record<string, unknown>[]) {
	if (rows.length === 0) return;
	// Stay well under SQLite's limit on bound parameters per statement.
	const perRow = Object.keys(rows[0] as object).length;
	const size = Math.max(1, Math.floor(16_000 / perRow));
	for (let i = 0; i < rows.length; i += size) await tx.insert(table).values(rows.slice(i, i + size));
}

interface Generated {
	categories: CategoryRow[];
	products: ProductRow[];
	variants: VariantRow[];
	prices: PriceRow[];
	attributes: AttributeRow[];
	images: ImageRow[];
	sources: SourceRow[];
}

async function generate(count: number, seed: number, imagesDir: string): Promise<Generated> {
	const r = rng(seed);
	const out: Generated = {
		categories: [],
		products: [],
		variants: [],
		prices: [],
		attributes: [],
		images: [],
		sources: [],
	};
	const leaves: { leaf: Leaf; categoryId: string }[] = [];
	const created = new Date(SEED_EPOCH - 400 * DAY).toISOString();
	DEPARTMENTS.forEach((dept, i) => {
		const id = seededId("cat", SEED_EPOCH - 400 * DAY, r);
		out.categories.push({
			id,
			slug: dept.slug,
			name: dept.name,
			description: dept.description,
			parentId: null,
			position: i,
			createdAt: created,
			updatedAt: created,
		});
		dept.leaves.forEach((leaf, j) => {
			const leafId = seededId("cat", SEED_EPOCH - 400 * DAY, r);
			out.categories.push({
				id: leafId,
				slug: leaf.slug,
				name: leaf.name,
				description: `${leaf.name} in ${dept.name}.`,
				parentId: id,
				position: j,
				createdAt: created,
				updatedAt: created,
			});
			leaves.push({ leaf, categoryId: leafId });
		});
	});

	const scenes: Scene[] = [];
	const titles = new Set<string>();
	const slugs = new Set<string>();
	for (let i = 0; i < count; i++) {
		const { leaf, categoryId } = leaves[i % leaves.length] as { leaf: Leaf; categoryId: string };
		const createdMs = SEED_EPOCH - Math.floor(r() * 365 * DAY);
		const createdAt = new Date(createdMs).toISOString();
		const id = seededId("prod", createdMs, r);
		const brand = pick(r, leaf.brands);
		const title = uniqueTitle(r, leaf, brand, titles);
		let slug = slugify(title).slice(0, 72);
		for (let k = 2; slugs.has(slug); k++) slug = `${slugify(title).slice(0, 70)}-${k}`;
		slugs.add(slug);

		const attributes: Record<string, string[]> = {};
		for (const [name, values] of Object.entries(leaf.attributes)) attributes[name] = [pick(r, values)];
		const variantSet = makeVariants(r, leaf, i);
		for (const v of variantSet) {
			for (const [name, value] of Object.entries(v.options)) {
				const list = attributes[name] ?? [];
				if (!list.includes(value)) list.push(value);
				attributes[name] = list;
			}
		}

		const status = i % 97 === 96 ? "draft" : "active";
		const digital = leaf.digital
			? {
					format: pick(r, leaf.digital.formats),
					sizeBytes: int(r, leaf.digital.mb[0], leaf.digital.mb[1]) * 1_048_576,
					delivery: leaf.digital.delivery,
				}
			: null;
		const service = leaf.service
			? {
					durationMinutes: pick(r, leaf.service.durations),
					billing: leaf.service.billing,
					booking: leaf.service.booking,
				}
			: null;
		out.products.push({
			id,
			slug,
			kind: leaf.kind,
			status,
			title,
			description: describe(r, leaf, title, brand, digital, service),
			brand,
			categoryId,
			digital,
			service,
			inStock: true,
			createdAt,
			updatedAt: createdAt,
		});

		// Every sixteenth product is sold out; otherwise a few single variants are.
		const soldOut = i % 16 === 7;
		const onSale = chance(r, 0.2);
		const base = roundPrice(int(r, leaf.price[0], leaf.price[1]));
		variantSet.forEach((v, k) => {
			const variantId = seededId("var", createdMs, r);
			const usd = roundPrice(Math.round((base * v.pct) / 100));
			out.variants.push({
				id: variantId,
				productId: id,
				sku: `${leaf.slug.replace(/-/g, "").slice(0, 4).toUpperCase()}-${String(i).padStart(5, "0")}-${k + 1}`,
				title: v.title,
				options: v.options,
				inStock: !soldOut && !chance(r, 0.08),
				weightGrams: leaf.weight ? int(r, leaf.weight[0], leaf.weight[1]) : null,
				position: k,
				createdAt,
				updatedAt: createdAt,
			});
			for (const [currency, rate] of [
				["USD", 1],
				["EUR", 0.93],
				["GBP", 0.8],
			] as const) {
				const amount = currency === "USD" ? usd : roundPrice(Math.round(usd * rate));
				out.prices.push({
					variantId,
					currency,
					amount,
					compareAt: onSale ? roundPrice(Math.round(amount * 1.25)) : null,
				});
			}
		});
		for (const [name, values] of Object.entries(attributes)) {
			for (const value of values) out.attributes.push({ productId: id, name, value });
		}

		const pictures = leaf.kind === "physical" && chance(r, 0.25) ? 2 : 1;
		for (let p = 0; p < pictures; p++) {
			const imageId = seededId("img", createdMs, r);
			scenes.push(sceneFor(i * 2 + p, r));
			out.images.push({
				id: imageId,
				productId: id,
				alt: p === 0 ? title : `${title}, another view`,
				position: p,
				createdAt,
			});
		}
	}
	const rendered = await renderPictures(imagesDir, scenes);
	out.images.forEach((image, k) => {
		for (const source of rendered[k] ?? []) out.sources.push({ imageId: image.id, ...source });
	});
	return out;
}

function uniqueTitle(r: Rng, leaf: Leaf, brand: string, taken: Set<string>): string {
	const bookish = leaf.adjectives.every((a) => a.endsWith(":"));
	for (let attempt = 0; attempt < 6; attempt++) {
		const noun = pick(r, leaf.nouns);
		const title = bookish ? noun : `${brand} ${pick(r, leaf.adjectives)} ${noun}`;
		if (!taken.has(title)) {
			taken.add(title);
			return title;
		}
	}
	const noun = pick(r, leaf.nouns);
	for (let k = 2; ; k++) {
		const title = bookish ? `${noun}, Volume ${k}` : `${brand} ${pick(r, leaf.adjectives)} ${noun} ${k}`;
		if (!taken.has(title)) {
			taken.add(title);
			return title;
		}
	}
}

interface VariantSpec {
	title: string;
	options: Record<string, string>;
	pct: number;
}

const PRICED_AXES = new Set(["storage", "weight", "volume"]);

function makeVariants(r: Rng, leaf: Leaf, _index: number): VariantSpec[] {
	const scheme = leaf.variants;
	if (scheme.type === "single") return [{ title: "Default", options: {}, pct: 100 }];
	if (scheme.type === "tiers") {
		return scheme.tiers.map((t) => ({ title: t.label, options: { [scheme.name]: t.label }, pct: t.pct }));
	}
	let combos: VariantSpec[] = [{ title: "", options: {}, pct: 100 }];
	for (const axis of scheme.axes) {
		const chosen = pickSome(r, axis.values, axis.pick[0], axis.pick[1]).sort(
			(a, b) => axis.values.indexOf(a) - axis.values.indexOf(b),
		);
		combos = combos.flatMap((c) =>
			chosen.map((value, idx) => ({
				title: c.title ? `${c.title} / ${value}` : value,
				options: { ...c.options, [axis.name]: value },
				pct: PRICED_AXES.has(axis.name) ? Math.round(c.pct * (1 + 0.35 * idx)) : c.pct,
			})),
		);
	}
	return combos.slice(0, 16);
}

function describe(
	r: Rng,
	leaf: Leaf,
	title: string,
	brand: string,
	digital: { format: string } | null,
	service: { durationMinutes: number | null; billing: string } | null,
): string {
	const features = pickSome(r, leaf.features, 2, 3);
	const parts = [`${title} from ${brand}.`, `Made with ${features.join(", ")}.`];
	if (leaf.kind === "physical")
		parts.push(`Part of our ${leaf.name.toLowerCase()} range, shipped in plastic-free packaging.`);
	if (digital) parts.push(`Delivered instantly as ${digital.format}; yours to keep.`);
	if (service?.durationMinutes)
		parts.push(`Takes about ${service.durationMinutes} minutes; book a time that suits you.`);
	if (service && !service.durationMinutes) parts.push(`Billed ${service.billing.replace("_", " ")}; cancel any time.`);
	return parts.join(" ");
}

/** Prices end in 99 (minor units), as shops like them. */
function roundPrice(amount: number): number {
	return Math.max(99, Math.round(amount / 100) * 100 - 1);
}

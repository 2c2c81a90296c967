import type { ProductInput, VariantInput } from "@bazaar/contracts";
import { newId, slugify } from "@bazaar/ids";
import { eq, inArray, sql } from "drizzle-orm";
import type { TxDb } from "../lib/db";
import { ConflictError, isUniqueViolation, ValidationError } from "../lib/errors";
import { nowIso } from "./context";
import { categories, productAttributes, productPrices, type products, variantPrices, variants } from "./schema";

// Pieces shared by the write verbs. All of them run inside catalogWrite's transaction.

export async function assertCategoryExists(tx: TxDb, categoryId: string, path = "categoryId"): Promise<void> {
	const [row] = await tx.select({ id: categories.id }).from(categories).where(eq(categories.id, categoryId)).limit(1);
	if (!row)
		throw new ValidationError(`Category ${categoryId} does not exist.`, [{ path, message: "unknown category" }]);
}

/** The given slug if free (409 otherwise), or one derived from the title with a counter. */
export async function chooseSlug(
	tx: TxDb,
	table: typeof products | typeof categories,
	given: string | undefined,
	title: string,
	selfId?: string,
): Promise<string> {
	const taken = async (slug: string) => {
		const [row] = await tx.select({ id: table.id }).from(table).where(eq(table.slug, slug)).limit(1);
		return row !== undefined && row.id !== selfId;
	};
	if (given) {
		if (await taken(given)) throw new ConflictError(`The slug "${given}" is already in use.`);
		return given;
	}
	const base = slugify(title).slice(0, 70) || "item";
	for (let n = 1; n < 1000; n++) {
		const slug = n === 1 ? base : `${base}-${n}`;
		if (!(await taken(slug))) return slug;
	}
	return `${base}-${Date.now().toString(36)}`;
}

export function checkKindDetails(
	kind: ProductInput["kind"],
	digital: ProductInput["digital"] | undefined,
	service: ProductInput["service"] | undefined,
): void {
	if (kind !== "digital" && digital) {
		throw new ValidationError("Only digital products have `digital` details.", [
			{ path: "digital", message: "must be null" },
		]);
	}
	if (kind !== "service" && service) {
		throw new ValidationError("Only services have `service` details.", [{ path: "service", message: "must be null" }]);
	}
}

export function checkVariantPrices(v: Pick<VariantInput, "prices" | "compareAtPrices">, path: string): void {
	const currencies = new Set(v.prices.map((p) => p.currency));
	const seen = new Set<string>();
	for (const c of v.compareAtPrices) {
		if (!currencies.has(c.currency) || seen.has(c.currency)) {
			throw new ValidationError("Each compare-at price needs a price in the same currency, once.", [
				{ path: `${path}.compareAtPrices`, message: `no single ${c.currency} price to compare with` },
			]);
		}
		seen.add(c.currency);
	}
}

export function variantTitle(v: Pick<VariantInput, "title" | "options">): string {
	if (v.title) return v.title;
	const values = Object.values(v.options);
	return values.length > 0 ? values.join(" / ") : "Default";
}

export async function insertVariant(tx: TxDb, productId: string, v: VariantInput, position: number): Promise<string> {
	const id = newId("var");
	const now = nowIso();
	try {
		await tx.insert(variants).values({
			id,
			productId,
			sku: v.sku,
			title: variantTitle(v),
			options: v.options,
			inStock: v.inStock,
			weightGrams: v.weightGrams,
			position,
			createdAt: now,
			updatedAt: now,
		});
	} catch (err) {
		if (isUniqueViolation(err)) throw new ConflictError(`The SKU "${v.sku}" is already in use.`);
		throw err;
	}
	await replaceVariantPrices(tx, id, v.prices, v.compareAtPrices);
	return id;
}

export async function replaceVariantPrices(
	tx: TxDb,
	variantId: string,
	prices: VariantInput["prices"],
	compareAt: VariantInput["compareAtPrices"],
): Promise<void> {
	await tx.delete(variantPrices).where(eq(variantPrices.variantId, variantId));
	const compare = new Map(compareAt.map((c) => [c.currency, c.amount]));
	await tx.insert(variantPrices).values(
		prices.map((p) => ({
			variantId,
			currency: p.currency,
			amount: p.amount,
			compareAt: compare.get(p.currency) ?? null,
		})),
	);
}

export async function replaceAttributes(
	tx: TxDb,
	productId: string,
	attributes: Record<string, string[]>,
): Promise<void> {
	await tx.delete(productAttributes).where(eq(productAttributes.productId, productId));
	const rows = Object.entries(attributes).flatMap(([name, values]) =>
		[...new Set(values)].map((value) => ({ productId, name, value })),
	);
	if (rows.length > 0) await tx.insert(productAttributes).values(rows);
}

/**
 * Recomputes the derived columns (per-currency "from" price, in-stock flag) of some products,
 * or of all when `productIds` is null (the seed, after its bulk insert).
 */
export async function refreshDerived(tx: TxDb, productIds: string[] | null): Promise<void> {
	const scope =
		productIds === null
			? sql`1 = 1`
			: sql`v.product_id IN (${sql.join(
					productIds.map((id) => sql`${id}`),
					sql`, `,
				)})`;
	if (productIds === null) await tx.delete(productPrices);
	else await tx.delete(productPrices).where(inArray(productPrices.productId, productIds));
	// SQLite takes bare columns (compare_at) from the row holding the min(), i.e. the cheapest variant.
	await tx.run(sql`INSERT INTO product_prices (product_id, currency, amount, compare_at)
		SELECT v.product_id, vp.currency, min(vp.amount), vp.compare_at
		FROM variants v JOIN variant_prices vp ON vp.variant_id = v.id
		WHERE ${scope}
		GROUP BY v.product_id, vp.currency`);
	await tx.run(sql`UPDATE products SET in_stock = EXISTS (
			SELECT 1 FROM variants v WHERE v.product_id = products.id AND v.in_stock = 1
		) WHERE ${
			productIds === null
				? sql`1 = 1`
				: sql`id IN (${sql.join(
						productIds.map((id) => sql`${id}`),
						sql`, `,
					)})`
		}`);
}

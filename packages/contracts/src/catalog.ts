import { Currency, DEFAULT_CURRENCY, Money } from "@bazaar/money";
import { z } from "zod";
import { DigitalDelivery } from "./delivery";
import { listPage, listQuery } from "./list";

export const Slug = z
	.string()
	.min(1)
	.max(80)
	.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "lowercase letters, digits and single dashes");
export const Id = z
	.string()
	.min(3)
	.max(40)
	.regex(/^[a-z]+_[0-9A-Z]+$/, "an id such as prod_01H…");
export const AttributeName = z.string().regex(/^[a-z0-9_]{1,40}$/, "attribute names are a-z, 0-9 and _");
export const AttributeValue = z.string().trim().min(1).max(80);

export const ProductKind = z.enum(["physical", "digital", "service"]);
export type ProductKind = z.infer<typeof ProductKind>;
export const ProductStatus = z.enum(["draft", "active", "archived"]);
export type ProductStatus = z.infer<typeof ProductStatus>;
/** A booked service's cut-off for changes, in hours before the slot (at most 90 days). */
export const CancelCutoffHours = z
	.number()
	.int()
	.min(0)
	.max(90 * 24);

/** Services: "appointment" = sold per time slot; "none" = bought like goods. */
export const ServiceBooking = z.enum(["appointment", "none"]);
export type ServiceBooking = z.infer<typeof ServiceBooking>;

export const Category = z.object({
	id: Id,
	slug: Slug,
	name: z.string(),
	description: z.string(),
	parentId: Id.nullable(),
	position: z.number().int(),
	productCount: z.number().int(),
});
export type Category = z.infer<typeof Category>;
export const CategoryList = z.object({ items: z.array(Category), version: z.number().int() });
export type CategoryList = z.infer<typeof CategoryList>;

export const ImageSizeName = z.enum(["thumb", "card", "full"]);
export const ImageSource = z.object({
	size: ImageSizeName,
	/** sha-256 of the bytes: the URL is /img/<hash>.<ext>, immutable. */
	hash: z.string().regex(/^[0-9a-f]{64}$/),
	contentType: z.enum(["image/png", "image/jpeg", "image/webp"]),
	width: z.number().int().positive(),
	height: z.number().int().positive(),
	bytes: z.number().int().positive(),
});
export type ImageSource = z.infer<typeof ImageSource>;
export const ImageRef = z.object({
	id: Id,
	alt: z.string(),
	position: z.number().int(),
	sources: z.array(ImageSource).min(1),
});
export type ImageRef = z.infer<typeof ImageRef>;

export const DigitalDetails = z.object({
	format: z.string().min(1).max(40),
	sizeBytes: z.number().int().nonnegative(),
	delivery: DigitalDelivery,
});
export const ServiceDetails = z.object({
	durationMinutes: z
		.number()
		.int()
		.positive()
		.max(24 * 60)
		.nullable(),
	billing: z.enum(["one_time", "monthly", "yearly"]),
	booking: ServiceBooking,
	/**
	 * Booked services: the shopper may reschedule or cancel up to this many hours before the slot
	 * starts (absent: DEFAULT_CANCEL_CUTOFF_HOURS, 24; 0: until it starts).
	 */
	cancelCutoffHours: CancelCutoffHours.optional(),
});

export const Variant = z.object({
	id: Id,
	sku: z.string(),
	title: z.string(),
	options: z.record(z.string(), z.string()),
	prices: z.array(Money),
	compareAtPrices: z.array(Money),
	inStock: z.boolean(),
	weightGrams: z.number().int().nullable(),
});
export type Variant = z.infer<typeof Variant>;

/** The exact aggregate of the product's published reviews (average rounded to two decimals). */
export const Rating = z.object({ average: z.number().nullable(), count: z.number().int() });
/** …and on the product itself, how many reviews gave 1★ … 5★. */
export const ProductRating = Rating.extend({
	histogram: z.tuple([z.number().int(), z.number().int(), z.number().int(), z.number().int(), z.number().int()]),
});

export const ProductSummary = z.object({
	id: Id,
	slug: Slug,
	kind: ProductKind,
	title: z.string(),
	brand: z.string().nullable(),
	categoryId: Id,
	price: Money,
	compareAtPrice: Money.nullable(),
	inStock: z.boolean(),
	thumbnail: ImageRef.nullable(),
	rating: Rating,
	createdAt: z.string(),
});
export type ProductSummary = z.infer<typeof ProductSummary>;

export const Product = z.object({
	id: Id,
	slug: Slug,
	kind: ProductKind,
	status: ProductStatus,
	title: z.string(),
	description: z.string(),
	brand: z.string().nullable(),
	category: z.object({ id: Id, slug: Slug, name: z.string() }),
	breadcrumbs: z.array(z.object({ slug: Slug, name: z.string() })),
	attributes: z.record(z.string(), z.array(z.string())),
	options: z.array(z.object({ name: z.string(), values: z.array(z.string()) })),
	variants: z.array(Variant),
	images: z.array(ImageRef),
	digital: DigitalDetails.nullable(),
	service: ServiceDetails.nullable(),
	rating: ProductRating,
	createdAt: z.string(),
	updatedAt: z.string(),
});
export type Product = z.infer<typeof Product>;

export const Facet = z.object({
	name: z.string(),
	values: z.array(z.object({ value: z.string(), count: z.number().int() })),
});
export const ProductList = z.object({
	items: z.array(ProductSummary),
	nextCursor: z.string().nullable(),
	facets: z.array(Facet),
	priceRange: z.object({ min: Money, max: Money }).nullable(),
	version: z.number().int(),
});
export type ProductList = z.infer<typeof ProductList>;

export const ProductSort = z.enum(["newest", "price_asc", "price_desc", "rating", "relevance"]);
export type ProductSort = z.infer<typeof ProductSort>;

const Bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const MinorUnits = z
	.string()
	.regex(/^\d{1,12}$/, "an integer amount in minor units (cents)")
	.transform(Number);

/** Query of the product list and search, as it arrives in a URL (shared by edge and core). */
export const ProductQuery = z
	.object({
		category: Slug.optional(),
		kind: ProductKind.optional(),
		q: z.string().trim().min(1).max(200).optional(),
		minPrice: MinorUnits.optional(),
		maxPrice: MinorUnits.optional(),
		currency: Currency.default(DEFAULT_CURRENCY),
		inStock: Bool.optional(),
		/** Only products whose average rating is at least this ("4 stars & up"). */
		minRating: z
			.string()
			.regex(/^[1-4]$/, "a whole number of stars from 1 to 4")
			.transform(Number)
			.optional(),
		sort: ProductSort.optional(),
		limit: z
			.string()
			.regex(/^\d{1,3}$/, "a whole number from 1 to 100")
			.transform(Number)
			.pipe(z.number().int().min(1).max(100))
			.default(24),
		cursor: z
			.string()
			.max(300)
			.regex(/^[A-Za-z0-9_-]+$/, "an opaque cursor from a previous page")
			.optional(),
		attr: z.record(AttributeName, z.array(AttributeValue).max(20)).default({}),
		/** Only these products (comma-separated ids, at most 100): a sale's landing page. */
		ids: z
			.string()
			.max(4_000)
			.transform((v) => [...new Set(v.split(","))].sort())
			.pipe(z.array(Id).min(1).max(100))
			.optional(),
	})
	.strict()
	.refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, {
		message: "minPrice must not exceed maxPrice",
		path: ["minPrice"],
	});
export type ProductQuery = z.infer<typeof ProductQuery>;

const SINGLE_KEYS = [
	"category",
	"kind",
	"q",
	"minPrice",
	"maxPrice",
	"currency",
	"inStock",
	"minRating",
	"sort",
	"limit",
	"cursor",
	"ids",
];

/**
 * Reads a product query from URL search params: `attr.<name>=<value>` (repeatable) filters on
 * attributes; every other key may appear once. Unknown keys are refused so a typo is a 400,
 * not a silently unfiltered list.
 */
export function parseProductQuery(params: URLSearchParams) {
	const raw: Record<string, unknown> = {};
	const attr: Record<string, string[]> = {};
	for (const [key, value] of params) {
		if (key.startsWith("attr.")) {
			const name = key.slice(5);
			attr[name] = [...(attr[name] ?? []), value];
		} else if (key in raw) {
			// A repeated single-valued key becomes a list, which the schema refuses by name.
			const prev = raw[key];
			raw[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
		} else if (value !== "" || !SINGLE_KEYS.includes(key)) {
			// Blank fields from a plain HTML filter form mean "no filter".
			raw[key] = value;
		}
	}
	raw.attr = attr;
	return ProductQuery.safeParse(raw);
}

/** The canonical URL form of a query: same filters in any order give the same cache key. */
export function productQueryToParams(q: ProductQuery): URLSearchParams {
	const out = new URLSearchParams();
	for (const key of SINGLE_KEYS) {
		const value = (q as Record<string, unknown>)[key];
		if (value !== undefined) out.set(key, String(value));
	}
	for (const name of Object.keys(q.attr).sort()) {
		for (const value of [...(q.attr[name] ?? [])].sort()) out.append(`attr.${name}`, value);
	}
	return out;
}

// ---- admin inputs -------------------------------------------------------------------------

const Title = z.string().trim().min(1).max(200);
const Description = z.string().max(20_000);
const Attributes = z.record(AttributeName, z.array(AttributeValue).min(1).max(20));
const Prices = z
	.array(Money)
	.min(1)
	.max(10)
	.refine((p) => new Set(p.map((m) => m.currency)).size === p.length, "one price per currency");

const VariantFields = {
	title: Title,
	options: z.record(z.string().min(1).max(40), z.string().min(1).max(80)),
	prices: Prices,
	compareAtPrices: z.array(Money).max(10),
	weightGrams: z.number().int().nonnegative().max(1_000_000).nullable(),
	inStock: z.boolean(),
};
export const VariantInput = z
	.object({
		sku: z
			.string()
			.trim()
			.min(1)
			.max(64)
			.regex(/^[A-Za-z0-9._-]+$/, "letters, digits, . _ -"),
		title: VariantFields.title.optional(),
		options: VariantFields.options.default({}),
		prices: VariantFields.prices,
		compareAtPrices: VariantFields.compareAtPrices.default([]),
		weightGrams: VariantFields.weightGrams.default(null),
		inStock: VariantFields.inStock.default(true),
	})
	.strict();
export type VariantInput = z.infer<typeof VariantInput>;
// Built from the bare fields: defaults in a patch would silently reset what was not sent.
export const VariantPatch = z.object(VariantFields).partial().strict();
export type VariantPatch = z.infer<typeof VariantPatch>;

export const ProductInput = z
	.object({
		slug: Slug.optional(),
		kind: ProductKind,
		status: ProductStatus.default("active"),
		title: Title,
		description: Description.default(""),
		brand: z.string().trim().min(1).max(80).nullable().default(null),
		categoryId: Id,
		attributes: Attributes.default({}),
		variants: z.array(VariantInput).min(1).max(100),
		digital: DigitalDetails.nullable().default(null),
		service: ServiceDetails.nullable().default(null),
	})
	.strict()
	.refine((p) => p.kind !== "digital" || p.digital !== null, {
		message: "digital products need `digital`",
		path: ["digital"],
	})
	.refine((p) => p.kind !== "service" || p.service !== null, { message: "services need `service`", path: ["service"] });
export type ProductInput = z.infer<typeof ProductInput>;

export const ProductPatch = z
	.object({
		slug: Slug,
		status: ProductStatus,
		title: Title,
		description: Description,
		brand: z.string().trim().min(1).max(80).nullable(),
		categoryId: Id,
		attributes: Attributes,
		digital: DigitalDetails.nullable(),
		service: ServiceDetails.nullable(),
	})
	.partial()
	.strict();
export type ProductPatch = z.infer<typeof ProductPatch>;

export const CategoryInput = z
	.object({
		slug: Slug.optional(),
		name: Title,
		description: Description.default(""),
		parentId: Id.nullable().default(null),
		position: z.number().int().min(0).max(10_000).default(0),
	})
	.strict();
export type CategoryInput = z.infer<typeof CategoryInput>;
export const CategoryPatch = z
	.object({
		slug: Slug,
		name: Title,
		description: Description,
		parentId: Id.nullable(),
		position: z.number().int().min(0).max(10_000),
	})
	.partial()
	.strict();
export type CategoryPatch = z.infer<typeof CategoryPatch>;

export const ImageInput = z
	.object({
		alt: z.string().trim().min(1).max(300),
		/** A PNG, base64-encoded; the core makes the thumb/card/full sizes. */
		pngBase64: z.string().min(1).max(8_000_000),
		position: z.number().int().min(0).max(100).optional(),
	})
	.strict();
export type ImageInput = z.infer<typeof ImageInput>;

/**
 * One variant as other modules need it (the cart, checkout, fulfillment): what it is, whether it
 * is on sale and its price in one currency. The catalog's `variantSummaries` verb answers these.
 */
export const VariantSummary = z.object({
	variantId: z.string(),
	sku: z.string(),
	productId: z.string(),
	productSlug: z.string(),
	productTitle: z.string(),
	variantTitle: z.string(),
	/** The product's category (promotion rules may target it). */
	categoryId: z.string().optional(),
	kind: ProductKind,
	status: ProductStatus,
	/** In the currency asked for; null when the variant is not sold in it. */
	price: Money.nullable(),
	thumbnailHash: z.string().optional(),
	weightGrams: z.number().int().nullable(),
	/** Services: "appointment" = sold per time slot (a line needs a slot); null for goods. */
	booking: ServiceBooking.nullable(),
	/** Booked services: the merchant's cut-off for changes, in hours before the slot (absent: the default). */
	cancelCutoffHours: z.number().int().optional(),
	/** Digital goods: how they reach the shopper (a file to download, a licence key); absent otherwise. */
	delivery: DigitalDelivery.nullable().optional(),
});
export type VariantSummary = z.infer<typeof VariantSummary>;

// ---- sitemap ------------------------------------------------------------------------------

/** The sitemaps protocol allows at most this many URLs in one file; past it, an index splits them. */
export const SITEMAP_MAX_URLS = 50_000;

/** One page of the active products, oldest first, for sitemap.xml: only what a crawler needs. */
export const SitemapPage = z.object({
	/** Active products in the whole catalog (not only this page): how many files the index lists. */
	totalProducts: z.number().int().nonnegative(),
	items: z.array(z.object({ slug: Slug, updatedAt: z.string() })),
	version: z.number().int(),
});
export type SitemapPage = z.infer<typeof SitemapPage>;

export const SitemapQuery = z
	.object({
		page: z.coerce.number().int().min(1).max(1_000_000).default(1),
		size: z.coerce.number().int().min(1).max(SITEMAP_MAX_URLS).default(SITEMAP_MAX_URLS),
	})
	.strict();
export type SitemapQuery = z.infer<typeof SitemapQuery>;

/** Staff: products of every status (drafts and archived ones too), newest first. */
export const AdminProductQuery = listQuery({
	/** Words of the title, brand, description or category (as the search matches them), or an exact slug or id. */
	q: z.string().trim().min(1).max(200).optional(),
	kind: ProductKind.optional(),
	/** This category and those below it. */
	category: Slug.optional(),
	status: ProductStatus.optional(),
});
export type AdminProductQuery = z.infer<typeof AdminProductQuery>;

export const AdminProductSummary = z.object({
	id: Id,
	slug: Slug,
	kind: ProductKind,
	status: ProductStatus,
	title: z.string(),
	brand: z.string().nullable(),
	categoryId: Id,
	inStock: z.boolean(),
	/** In the shop's default currency; null when the product has no price in it. */
	price: Money.nullable(),
	createdAt: z.string(),
	updatedAt: z.string(),
});
export type AdminProductSummary = z.infer<typeof AdminProductSummary>;
export const AdminProductList = listPage(AdminProductSummary);
export type AdminProductList = z.infer<typeof AdminProductList>;

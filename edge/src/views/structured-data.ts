import type { Product } from "@bazaar/contracts";
import type { PublicReview } from "@bazaar/contracts/review";
import { minorDigits } from "@bazaar/money";
import type { BreadcrumbList, Offer, Review, Product as SchemaProduct, WithContext } from "schema-dts";
import { imageSource, imageUrl } from "../lib/images";

// schema.org structured data for search engines (JSON-LD), built from the cached product.
// An Offer per price the product has (each currency is a price a market sells at) and variant,
// so a search result shows the price and availability the shop really has. The objects are typed
// with schema-dts (schema.org's vocabulary as TypeScript types), so a property schema.org does not
// define on the type, or a value of the wrong kind, fails the build.

export type JsonLd = WithContext<SchemaProduct> | WithContext<BreadcrumbList>;

/** "1234" minor units of EUR → "12.34": schema.org wants a decimal string, never a float. */
export function decimalPrice(amount: number, currency: string): string {
	const digits = minorDigits(currency);
	if (digits === 0) return String(amount);
	const text = String(amount).padStart(digits + 1, "0");
	return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** The product with its offers and, once it has published reviews, its rating and the reviews shown. */
export function productJsonLd(
	product: Product,
	absolute: (path: string) => string,
	reviews: PublicReview[] = [],
): WithContext<SchemaProduct> {
	const url = absolute(`/products/${product.slug}`);
	const offers = product.variants.flatMap((v) =>
		v.prices.map(
			(p): Offer => ({
				"@type": "Offer",
				url,
				sku: v.sku,
				price: decimalPrice(p.amount, p.currency),
				priceCurrency: p.currency,
				availability: v.inStock ? "https://schema.org/InStock" : "https://schema.org/OutOfStock",
				itemCondition: "https://schema.org/NewCondition",
			}),
		),
	);
	return {
		"@context": "https://schema.org",
		"@type": "Product",
		"@id": `${url}#product`,
		name: product.title,
		description: product.description.slice(0, 5000),
		url,
		sku: product.variants[0]?.sku,
		...(product.brand ? { brand: { "@type": "Brand", name: product.brand } } : {}),
		category: product.category.name,
		image: product.images.map((img) => absolute(imageUrl(imageSource(img, "full")))),
		offers,
		...(product.rating.average !== null && product.rating.count > 0
			? {
					aggregateRating: {
						"@type": "AggregateRating",
						ratingValue: product.rating.average,
						reviewCount: product.rating.count,
						bestRating: 5,
						worstRating: 1,
					},
					review: reviews.map(
						(r): Review => ({
							"@type": "Review",
							author: { "@type": "Person", name: r.authorName },
							datePublished: r.createdAt.slice(0, 10),
							name: r.title,
							reviewBody: r.body,
							reviewRating: { "@type": "Rating", ratingValue: r.rating, bestRating: 5, worstRating: 1 },
						}),
					),
				}
			: {}),
	};
}

export function breadcrumbJsonLd(
	items: { name: string; path: string }[],
	absolute: (path: string) => string,
): WithContext<BreadcrumbList> {
	return {
		"@context": "https://schema.org",
		"@type": "BreadcrumbList",
		itemListElement: items.map((item, i) => ({
			"@type": "ListItem",
			position: i + 1,
			name: item.name,
			item: absolute(item.path),
		})),
	};
}

/**
 * JSON for a <script type="application/ld+json">: `<`, `>` and `&` escaped so no text a shopper
 * wrote (a review) can close the element.
 */
export function jsonLdText(data: JsonLd): string {
	return JSON.stringify(data)
		.replace(/</g, "\\u003c")
		.replace(/>/g, "\\u003e")
		.replace(/&/g, "\\u0026")
		.replace(/\u2028/g, "\\u2028")
		.replace(/\u2029/g, "\\u2029");
}

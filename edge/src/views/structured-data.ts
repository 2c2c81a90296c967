import type { Product } from "@bazaar/contracts";
import { DEFAULT_MARKETS, MARKET_PARAM, type MarketList } from "@bazaar/contracts/market";
import type { PublicReview } from "@bazaar/contracts/review";
import { decimalString } from "@bazaar/money";
import type { BreadcrumbList, Offer, Review, Product as SchemaProduct, WithContext } from "schema-dts";
import { imageSource, imageUrl } from "../lib/images";

// schema.org structured data for search engines (JSON-LD), built from the cached product.
// An Offer per market and variant the market sells (its price in the market's currency, the
// market's countries as the eligible region, the market's own address), so a search result shows
// the price and availability the shop really has where the searcher is. A variant without a price
// in a market's currency has no offer there: it is not sold there, and nothing is converted. The objects are typed
// with schema-dts (schema.org's vocabulary as TypeScript types), so a property schema.org does not
// define on the type, or a value of the wrong kind, fails the build.

export type JsonLd = WithContext<SchemaProduct> | WithContext<BreadcrumbList>;

/** The product with its offers and, once it has published reviews, its rating and the reviews shown. */
export function productJsonLd(
	product: Product,
	absolute: (path: string) => string,
	reviews: PublicReview[] = [],
	markets: MarketList = DEFAULT_MARKETS,
): WithContext<SchemaProduct> {
	const path = `/products/${product.slug}`;
	const url = absolute(path);
	const offers = markets.items.flatMap((m) =>
		product.variants.flatMap((v): Offer[] => {
			const p = v.prices.find((price) => price.currency === m.currency);
			if (!p) return [];
			return [
				{
					"@type": "Offer",
					url: absolute(`${path}?${MARKET_PARAM}=${m.code}`),
					sku: v.sku,
					// schema.org wants a decimal string, never a float.
					price: decimalString(p.amount, p.currency),
					priceCurrency: p.currency,
					eligibleRegion: m.countries.map((name) => ({ "@type": "Country", name })),
					availability: v.inStock ? "https://schema.org/InStock" : "https://schema.org/OutOfStock",
					itemCondition: "https://schema.org/NewCondition",
				},
			];
		}),
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

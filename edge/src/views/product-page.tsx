import type { Category, Product, Variant } from "@bazaar/contracts";
import { MAX_LINE_QUANTITY } from "@bazaar/contracts/cart";
import type { ReviewPage } from "@bazaar/contracts/review";
import { DEFAULT_CURRENCY, type Money } from "@bazaar/money";
import { imageSource, imageUrl, srcset } from "../lib/images";
import { useAbsolute } from "../lib/site";
import { useFormatMoney, useMarket, useMarketView } from "../markets/context";
import { Layout } from "./layout";
import { KIND_LABEL } from "./product-card";
import { Badge, OfferPrice, useOffer } from "./promo";
import { RatingSummaryBox, ReviewItem, Stars } from "./review-parts";
import { breadcrumbJsonLd, productJsonLd } from "./structured-data";

/** The variant's price in the market's currency; none means it is not sold in that market. */
function priceIn(prices: Money[], currency: string): Money | undefined {
	return prices.find((p) => p.currency === currency);
}

function fromPrice(variants: Variant[], currency: string): Money | undefined {
	let best: Money | undefined;
	for (const v of variants) {
		const p = priceIn(v.prices, currency);
		if (p && (!best || p.amount < best.amount)) best = p;
	}
	return best;
}

/** The market the page is rendered for: its currency and the locale its prices are written in. */
function useShown() {
	const market = useMarket();
	return { market, currency: market?.currency ?? DEFAULT_CURRENCY, format: useFormatMoney() };
}

function bytesLabel(n: number): string {
	if (n < 1024) return `${n} B`;
	const units = ["KB", "MB", "GB", "TB"];
	let value = n / 1024;
	let i = 0;
	while (value >= 1024 && i < units.length - 1) {
		value /= 1024;
		i++;
	}
	return `${value.toFixed(value < 10 ? 1 : 0)} ${units[i]}`;
}

const BILLING = { one_time: "One-time payment", monthly: "Billed monthly", yearly: "Billed yearly" } as const;
const DELIVERY = { download: "Instant download", license_key: "License key by email" } as const;

/**
 * The pictures as one strip that swipes (CSS scroll snap, no script): a phone shows one picture
 * at a time and the next a swipe away; the thumbnails below are links to each picture, so a
 * mouse or keyboard user moves through them too. Only the first loads eagerly.
 */
function Gallery({ product }: { product: Product }) {
	const count = product.images.length;
	if (count === 0) return <div />;
	return (
		<div class="gallery">
			{/* Focusable, so a keyboard can scroll the strip too; a labelled section is a region. */}
			<section class="slides" tabindex={0} aria-label={`Pictures, ${count}`}>
				{product.images.map((img, i) => {
					const card = imageSource(img, "card");
					return (
						<img
							id={`picture-${i + 1}`}
							class={i === 0 ? "main" : undefined}
							src={imageUrl(card)}
							srcset={srcset(img)}
							sizes="(max-width: 700px) 100vw, 36rem"
							width={card.width}
							height={card.height}
							alt={img.alt}
							loading={i === 0 ? undefined : "lazy"}
							decoding="async"
						/>
					);
				})}
			</section>
			{count > 1 ? (
				<div class="thumbs">
					{product.images.map((img, i) => {
						const t = imageSource(img, "thumb");
						return (
							<a href={`#picture-${i + 1}`} aria-label={`Picture ${i + 1} of ${count}`}>
								<img src={imageUrl(t)} width={t.width} height={t.height} alt="" loading="lazy" decoding="async" />
							</a>
						);
					})}
				</div>
			) : null}
		</div>
	);
}

function Variants({ product }: { product: Product }) {
	const { currency } = useShown();
	const optionNames = product.options.map((o) => o.name);
	// With options the columns already name each variant; its title would repeat them.
	const showTitle = optionNames.length === 0;
	return (
		<table>
			<thead>
				<tr>
					{showTitle ? <th>Item</th> : null}
					{optionNames.map((n) => (
						<th>{n}</th>
					))}
					<th>SKU</th>
					<th>Price</th>
					<th>Availability</th>
				</tr>
			</thead>
			<tbody>
				{product.variants.map((v) => {
					const price = priceIn(v.prices, currency);
					const was = price ? v.compareAtPrices.find((p) => p.currency === price.currency) : undefined;
					return (
						<tr>
							{showTitle ? <td>{v.title}</td> : null}
							{optionNames.map((n) => (
								<td>{v.options[n] ?? "—"}</td>
							))}
							<td>
								<code>{v.sku}</code>
							</td>
							<td>
								<VariantPrice product={product} variant={v} price={price} was={was} />
							</td>
							<td>
								{!price ? (
									<span class="tag out">Not sold here</span>
								) : v.inStock ? (
									"In stock"
								) : (
									<span class="tag out">Out of stock</span>
								)}
							</td>
						</tr>
					);
				})}
			</tbody>
		</table>
	);
}

function VariantPrice(props: { product: Product; variant: Variant; price: Money | undefined; was: Money | undefined }) {
	const { price, was } = props;
	const { currency, format } = useShown();
	const offer = useOffer({
		productId: props.product.id,
		categoryId: props.product.category.id,
		variantIds: [props.variant.id],
		price: price ?? { amount: 0, currency },
	});
	if (price && offer?.price) return <OfferPrice price={price} offer={offer} />;
	return (
		<>
			{price ? <span class="price">{format(price)}</span> : "—"}
			{price && was && was.amount > price.amount ? <s class="was">{format(was)}</s> : null}
		</>
	);
}

function ProductOffer({ product, from }: { product: Product; from: Money }) {
	const { format } = useShown();
	const offer = useOffer({
		productId: product.id,
		categoryId: product.category.id,
		variantIds: product.variants.map((v) => v.id),
		price: from,
	});
	return (
		<>
			{offer?.price ? (
				<p data-testid="price">
					<OfferPrice price={from} offer={offer} prefix={product.variants.length > 1 ? "From " : ""} />
				</p>
			) : (
				<p class="price" data-testid="price">
					{product.variants.length > 1 ? "From " : ""}
					{format(from)}
				</p>
			)}
			{offer ? (
				<p>
					<Badge text={offer.badge} slug={offer.activitySlug} />
				</p>
			) : null}
		</>
	);
}

const variantLabel = (product: Product, v: Variant) =>
	product.options.length > 0
		? product.options.map((o) => v.options[o.name] ?? "—").join(" / ")
		: v.title || product.title;

/**
 * Add to cart. This page is cached for everyone, so the form cannot carry a shopper's CSRF
 * token; POST /cart/add instead requires the browser's Origin (or Sec-Fetch-Site) to be this
 * site. Prices are never sent: the cart prices lines on the server. A service booked by
 * appointment asks for a time: a plain date-time input in UTC on the hour (no list of free
 * times, which would be stale in a cached page); the cart checks the time and its capacity.
 */
function AddToCart({ product }: { product: Product }) {
	const { market, currency, format } = useShown();
	const sold = product.variants.filter((v) => priceIn(v.prices, currency));
	if (sold.length === 0) {
		// Not converted from another currency: the shop does not sell it in this market.
		return (
			<p class="add" data-testid="not-sold">
				<span class="tag out">Not sold in {market?.name ?? currency}</span> This product has no price in {currency}.
			</p>
		);
	}
	const buyable = sold.filter((v) => v.inStock);
	const first = buyable[0];
	if (!first) {
		return (
			<p class="add" data-testid="sold-out">
				<span class="tag out">Out of stock</span>
			</p>
		);
	}
	return (
		<form class="add" action="/cart/add" method="post" data-testid="add-to-cart">
			{market ? <input type="hidden" name="market" value={market.code} /> : null}
			{product.variants.length > 1 ? (
				<label>
					{product.options.length > 0 ? product.options.map((o) => o.name).join(" / ") : "Option"}{" "}
					<select name="variantId" required>
						{product.variants.map((v) => {
							const price = priceIn(v.prices, currency);
							return (
								<option value={v.id} disabled={!v.inStock || !price} selected={v.id === first.id}>
									{variantLabel(product, v)}
									{price ? ` — ${format(price)}` : " (not sold here)"}
									{v.inStock ? "" : " (out of stock)"}
								</option>
							);
						})}
					</select>
				</label>
			) : (
				<input type="hidden" name="variantId" value={first.id} />
			)}
			{product.kind === "service" && product.service?.booking === "appointment" ? (
				<label>
					Date and time (UTC, on the hour){" "}
					<input type="datetime-local" name="slot" step="3600" required data-testid="slot" />
				</label>
			) : null}
			<label>
				Quantity <input type="number" name="quantity" value="1" min="1" max={MAX_LINE_QUANTITY} step="1" required />
			</label>
			<button type="submit">Add to cart</button>
		</form>
	);
}

/** The product's reviews: its exact aggregate and the newest few, with the way to all of them. */
function Reviews({ product, reviews }: { product: Product; reviews: ReviewPage | null }) {
	const all = `/products/${product.slug}/reviews`;
	return (
		<section class="reviews" aria-labelledby="reviews-heading" id="reviews">
			<h2 id="reviews-heading">Customer reviews</h2>
			<RatingSummaryBox rating={product.rating} starsHref={(n) => `${all}?stars=${n}`} />
			{reviews === null ? <p>Reviews could not be loaded just now.</p> : null}
			{(reviews?.items ?? []).map((r) => (
				<ReviewItem review={r} back={`/products/${product.slug}#${r.id}`} />
			))}
			<p>
				{product.rating.count > 0 ? (
					<a href={all} data-testid="all-reviews">
						See all {product.rating.count} {product.rating.count === 1 ? "review" : "reviews"}
					</a>
				) : null}{" "}
				Bought it? <a href={`/account/reviews/write?product=${encodeURIComponent(product.id)}`}>Write a review</a>{" "}
				(customers whose order of it was delivered).
			</p>
		</section>
	);
}

export function ProductPage({
	product,
	categories,
	reviews = null,
}: {
	product: Product;
	categories: Category[];
	reviews?: ReviewPage | null;
}) {
	const view = useMarketView();
	const from = fromPrice(product.variants, view?.market.currency ?? DEFAULT_CURRENCY);
	const attributes = Object.entries(product.attributes);
	const paragraphs = product.description.split(/\n\s*\n/).filter((p) => p.trim() !== "");
	const absolute = useAbsolute();
	const crumbs = [
		{ name: "Home", path: "/" },
		...product.breadcrumbs.map((b) => ({ name: b.name, path: `/categories/${b.slug}` })),
		{ name: product.title, path: `/products/${product.slug}` },
	];
	const picture = product.images[0];
	const share = picture ? imageSource(picture, "full") : undefined;
	return (
		<Layout
			title={product.title}
			description={product.description.slice(0, 160)}
			categories={categories}
			links={[{ rel: "canonical", href: `/products/${product.slug}` }]}
			og={{
				type: "product",
				image:
					picture && share
						? { url: imageUrl(share), width: share.width, height: share.height, alt: picture.alt }
						: undefined,
			}}
			perMarket
			jsonLd={[productJsonLd(product, absolute, reviews?.items ?? [], view?.list), breadcrumbJsonLd(crumbs, absolute)]}
		>
			<nav class="crumbs" aria-label="Breadcrumbs">
				<a href="/">Home</a>
				{product.breadcrumbs.map((b) => (
					<>
						{" › "}
						<a href={`/categories/${b.slug}`}>{b.name}</a>
					</>
				))}
				{" › "}
				{product.title}
			</nav>
			<article class="product">
				<Gallery product={product} />
				<div>
					<h1>{product.title}</h1>
					{product.brand ? <p>by {product.brand}</p> : null}
					<p>
						<span class="tag">{KIND_LABEL[product.kind]}</span>{" "}
						{product.rating.average !== null ? (
							<a href="#reviews" data-testid="rating">
								<Stars value={product.rating.average} /> {product.rating.average.toFixed(1)} ({product.rating.count})
							</a>
						) : null}
					</p>
					{from ? <ProductOffer product={product} from={from} /> : null}
					{product.digital ? (
						<dl>
							<dt>Format</dt>
							<dd>{product.digital.format}</dd>
							<dt>Size</dt>
							<dd>{bytesLabel(product.digital.sizeBytes)}</dd>
							<dt>Delivery</dt>
							<dd>{DELIVERY[product.digital.delivery]}</dd>
						</dl>
					) : null}
					{product.service ? (
						<dl>
							{product.service.durationMinutes !== null ? (
								<>
									<dt>Duration</dt>
									<dd>{product.service.durationMinutes} minutes</dd>
								</>
							) : null}
							<dt>Billing</dt>
							<dd>{BILLING[product.service.billing]}</dd>
							<dt>Booking</dt>
							<dd>{product.service.booking === "appointment" ? "By appointment" : "No booking needed"}</dd>
						</dl>
					) : null}
					<AddToCart product={product} />
					<Variants product={product} />
				</div>
			</article>
			<section aria-labelledby="about">
				<h2 id="about">About this product</h2>
				{paragraphs.map((p) => (
					<p>{p}</p>
				))}
				{attributes.length > 0 ? (
					<dl>
						{attributes.map(([name, values]) => (
							<>
								<dt>{name.replaceAll("_", " ")}</dt>
								<dd>{values.join(", ")}</dd>
							</>
						))}
					</dl>
				) : null}
			</section>
			<Reviews product={product} reviews={reviews} />
		</Layout>
	);
}

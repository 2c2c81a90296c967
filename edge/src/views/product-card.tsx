import type { ProductSummary } from "@bazaar/contracts";
import { imageSource, imageUrl } from "../lib/images";
import { useFormatMoney } from "../markets/context";
import { Badge, OfferPrice, useOffer } from "./promo";
import { Stars } from "./review-parts";

export const KIND_LABEL = { physical: "Physical", digital: "Digital", service: "Service" } as const;

export function Price(props: { price: ProductSummary["price"]; compareAt?: ProductSummary["compareAtPrice"] }) {
	const was = props.compareAt && props.compareAt.amount > props.price.amount ? props.compareAt : null;
	const format = useFormatMoney();
	return (
		<span class="price">
			{format(props.price)}
			{was ? <s class="was">{format(was)}</s> : null}
		</span>
	);
}

export function ProductCard({ p }: { p: ProductSummary }) {
	const offer = useOffer({ productId: p.id, categoryId: p.categoryId, price: p.price });
	const thumb = p.thumbnail ? imageSource(p.thumbnail, "thumb") : null;
	return (
		<li>
			<article class="card">
				<a href={`/products/${p.slug}`}>
					{thumb ? (
						<img
							src={imageUrl(thumb)}
							width={thumb.width}
							height={thumb.height}
							// The title right below names the link; the picture would only say it twice.
							alt=""
							loading="lazy"
							decoding="async"
						/>
					) : null}
					<h3>{p.title}</h3>
				</a>
				{offer?.price ? (
					<OfferPrice price={p.price} offer={offer} />
				) : (
					<Price price={p.price} compareAt={p.compareAtPrice} />
				)}
				{p.rating.average !== null ? (
					<div>
						<Stars value={p.rating.average} /> <small>({p.rating.count})</small>
					</div>
				) : null}
				<div>
					{offer ? <Badge text={offer.badge} slug={offer.activitySlug} /> : null}
					<span class="tag">{KIND_LABEL[p.kind]}</span> {p.inStock ? null : <span class="tag out">Out of stock</span>}
				</div>
			</article>
		</li>
	);
}

export function ProductGrid({ items }: { items: ProductSummary[] }) {
	if (items.length === 0) return <p>No products match.</p>;
	return (
		<ul class="grid">
			{items.map((p) => (
				<ProductCard p={p} />
			))}
		</ul>
	);
}

import type { Category, Product } from "@bazaar/contracts";
import { REVIEW_SORTS, type ReviewPage, type ReviewQuery, reviewQueryToParams } from "@bazaar/contracts/review";
import { Layout } from "./layout";
import { RatingSummaryBox, ReviewItem, SORT_LABEL } from "./review-parts";

// All of a product's published reviews: sorted, filtered by stars, a page at a time (cursor).
// Cached for everyone like the product page; no client script.

export function ProductReviewsPage(props: {
	product: Product;
	categories: Category[];
	query: ReviewQuery;
	page: ReviewPage;
}) {
	const { product, query, page } = props;
	const base = `/products/${product.slug}/reviews`;
	const href = (q: Partial<ReviewQuery>) => {
		const params = reviewQueryToParams({ ...query, cursor: undefined, ...q });
		if (params.get("limit") === "10") params.delete("limit");
		return `${base}?${params}`;
	};
	return (
		<Layout
			title={`Reviews of ${product.title}`}
			description={`Customer reviews of ${product.title}`}
			categories={props.categories}
			links={[{ rel: "canonical", href: href({}) }]}
		>
			<nav class="crumbs" aria-label="Breadcrumbs">
				<a href="/">Home</a> › <a href={`/products/${product.slug}`}>{product.title}</a> › Reviews
			</nav>
			<section class="reviews">
				<h1>Reviews of {product.title}</h1>
				<RatingSummaryBox rating={product.rating} starsHref={(n) => href({ stars: n })} />
				<form action={base} method="get" class="filters" aria-label="Sort and filter reviews">
					<label>
						Sort{" "}
						<select name="sort">
							{REVIEW_SORTS.map((s) => (
								<option value={s} selected={query.sort === s}>
									{SORT_LABEL[s]}
								</option>
							))}
						</select>
					</label>{" "}
					<label>
						Stars{" "}
						<select name="stars">
							<option value="">All</option>
							{[5, 4, 3, 2, 1].map((n) => (
								<option value={String(n)} selected={query.stars === n}>
									{n} star{n === 1 ? "" : "s"}
								</option>
							))}
						</select>
					</label>{" "}
					<button type="submit">Show</button>
				</form>
				{page.items.length === 0 ? <p>No reviews match.</p> : null}
				{page.items.map((r) => (
					<ReviewItem review={r} back={`${href({})}#${r.id}`} />
				))}
				<p>
					{query.cursor ? <a href={href({})}>First page</a> : null}{" "}
					{page.nextCursor ? (
						<a href={href({ cursor: page.nextCursor })} rel="next" data-testid="next-reviews">
							More reviews
						</a>
					) : null}
				</p>
			</section>
		</Layout>
	);
}

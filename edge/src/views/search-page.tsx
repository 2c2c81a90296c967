import type { Category, ProductList, ProductQuery } from "@bazaar/contracts";
import { listingHref } from "../lib/listing-urls";
import { Filters, Pager } from "./filters";
import { Layout } from "./layout";
import { ProductGrid } from "./product-card";

export interface SearchPageProps {
	categories: Category[];
	query: ProductQuery | null;
	list: ProductList | null;
}

export function SearchPage({ categories, query, list }: SearchPageProps) {
	if (!query?.q || !list) {
		return (
			<Layout title="Search" categories={categories} noindex>
				<h1>Search</h1>
				<p>Type what you are looking for in the search box above.</p>
			</Layout>
		);
	}
	const next = list.nextCursor ? listingHref("/search", query, list.nextCursor) : null;
	const first = query.cursor ? listingHref("/search", query, null) : null;
	return (
		<Layout
			title={`Search: ${query.q}`}
			categories={categories}
			q={query.q}
			noindex
			links={next ? [{ rel: "next", href: next }] : []}
		>
			<h1>Results for “{query.q}”</h1>
			<div class="layout">
				<aside>
					<Filters action="/search" query={query} list={list} search />
				</aside>
				<section aria-label="Results">
					<h2 class="visually-hidden">Products</h2>
					<ProductGrid items={list.items} />
					<Pager first={first} next={next} />
				</section>
			</div>
		</Layout>
	);
}

import type { Category, ProductList, ProductQuery } from "@bazaar/contracts";
import { listingHref } from "../lib/listing-urls";
import { Filters, Pager } from "./filters";
import { Layout } from "./layout";
import { ProductGrid } from "./product-card";

export interface CategoryPageProps {
	category: Category;
	categories: Category[];
	query: ProductQuery;
	list: ProductList;
}

/** The category's ancestors, root first (the tree is small and already in memory). */
function ancestors(category: Category, all: Category[]): Category[] {
	const byId = new Map(all.map((c) => [c.id, c]));
	const out: Category[] = [];
	let parent = category.parentId ? byId.get(category.parentId) : undefined;
	while (parent && out.length < 20) {
		out.unshift(parent);
		parent = parent.parentId ? byId.get(parent.parentId) : undefined;
	}
	return out;
}

export function CategoryPage({ category, categories, query, list }: CategoryPageProps) {
	const base = `/categories/${category.slug}`;
	const children = categories.filter((c) => c.parentId === category.id);
	const next = list.nextCursor ? listingHref(base, query, list.nextCursor, ["category"]) : null;
	const first = query.cursor ? listingHref(base, query, null, ["category"]) : null;
	return (
		<Layout
			title={category.name}
			description={category.description || `${category.name} at Bazaar`}
			categories={categories}
			perMarket
			links={[
				{ rel: "canonical", href: listingHref(base, query, query.cursor ?? null, ["category"]) },
				...(next ? [{ rel: "next", href: next }] : []),
			]}
		>
			<nav class="crumbs" aria-label="Breadcrumbs">
				<a href="/">Home</a>
				{ancestors(category, categories).map((a) => (
					<>
						{" › "}
						<a href={`/categories/${a.slug}`}>{a.name}</a>
					</>
				))}
				{" › "}
				{category.name}
			</nav>
			<h1>{category.name}</h1>
			{category.description ? <p>{category.description}</p> : null}
			{children.length > 0 ? (
				<p>
					{children.map((c, i) => (
						<>
							{i > 0 ? " · " : null}
							<a href={`/categories/${c.slug}`}>{c.name}</a>
						</>
					))}
				</p>
			) : null}
			<div class="layout">
				<aside>
					<Filters action={base} query={query} list={list} />
				</aside>
				<section aria-label="Products">
					<h2 class="visually-hidden">Products</h2>
					<ProductGrid items={list.items} />
					<Pager first={first} next={next} />
				</section>
			</div>
		</Layout>
	);
}

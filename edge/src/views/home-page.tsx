import type { Category, ProductSummary } from "@bazaar/contracts";
import { Layout } from "./layout";
import { ProductGrid } from "./product-card";

export function HomePage({ categories, newest }: { categories: Category[]; newest: ProductSummary[] }) {
	const top = categories.filter((c) => c.parentId === null);
	return (
		<Layout
			title="Everything, delivered"
			description="Bazaar: goods, downloads and services."
			categories={categories}
			perMarket
			links={[{ rel: "canonical", href: "/" }]}
		>
			<h1>Welcome to Bazaar</h1>
			<section aria-labelledby="cats">
				<h2 id="cats">Shop by category</h2>
				<ul class="grid">
					{top.map((c) => (
						<li>
							<a class="card" href={`/categories/${c.slug}`} style="display:block">
								<strong>{c.name}</strong>
								<br />
								<small>{c.productCount} products</small>
							</a>
						</li>
					))}
				</ul>
			</section>
			<section aria-labelledby="new">
				<h2 id="new">New arrivals</h2>
				<ProductGrid items={newest} />
			</section>
		</Layout>
	);
}

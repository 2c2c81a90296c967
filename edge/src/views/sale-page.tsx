import type { Category, ProductSummary } from "@bazaar/contracts";
import { isRunning, type SnapshotActivity } from "../promotions/display";
import { Layout } from "./layout";
import { ProductGrid } from "./product-card";
import { Countdown } from "./promo";

// A sale's landing page (/sales/<slug>): its banner, a countdown to its start or its end, what
// it offers and the products it covers with their sale prices. Made from the promotion snapshot
// and cached catalog reads; the page's cache key carries the promotion tag, so it turns from
// "starts in" to "ends in" at the start and is gone at the end without a push.

export function SalePage(props: {
	activity: SnapshotActivity;
	products: ProductSummary[];
	categories: Category[];
	now: number;
}) {
	const a = props.activity;
	const live = isRunning(a, props.now);
	return (
		<Layout title={a.name} description={a.bannerText || a.description} categories={props.categories}>
			<section class="sale-banner" data-testid="sale-banner">
				<p class="badge">{a.badge}</p>
				<h1>{a.name}</h1>
				{a.bannerText ? <p class="banner-text">{a.bannerText}</p> : null}
				{live ? <Countdown until={a.endsAt} label="Ends in" /> : <Countdown until={a.startsAt} label="Starts in" />}
				<p class="sale-window">
					{a.startsAtLocal.replace("T", " ")} – {a.endsAtLocal.replace("T", " ")} ({a.timeZone})
				</p>
				{a.description ? <p>{a.description}</p> : null}
				{live && a.offers.length > 0 ? (
					<ul class="offers">
						{a.offers.map((o) => (
							<li>{o}</li>
						))}
					</ul>
				) : null}
			</section>
			<h2>{live ? "On sale now" : "Coming up"}</h2>
			<ProductGrid items={props.products} />
		</Layout>
	);
}

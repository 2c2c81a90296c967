import type { Category } from "@bazaar/contracts";
import { MARKET_PARAM } from "@bazaar/contracts/market";
import type { PropsWithChildren } from "hono/jsx";
import { HEADER_SCRIPT_URL } from "../cart/header-script";
import { useAbsolute } from "../lib/site";
import { useMarketView } from "../markets/context";
import type { MarketView } from "../markets/state";
import { SUPPORT_WIDGET_SCRIPT_URL } from "../support-widget/widget-script";
import { type JsonLd, jsonLdText } from "./structured-data";
import { CSS } from "./styles";

export interface ShareImage {
	/** A site path (/img/…) or an absolute URL. */
	url: string;
	width: number;
	height: number;
	alt: string;
}

export type LayoutProps = PropsWithChildren<{
	title: string;
	description?: string;
	/** Top-level categories for the navigation bar; empty on error pages that could not load them. */
	categories?: Category[];
	q?: string;
	/** rel=next / rel=prev / canonical links for crawlers. */
	links?: { rel: string; href: string }[];
	/** Open Graph type ("website" unless said) and the picture a shared link shows. */
	og?: { type?: string; image?: ShareImage };
	/** schema.org structured data, one <script type="application/ld+json"> each. */
	jsonLd?: JsonLd[];
	/** Pages with no value in a search index (search results, personal pages). */
	noindex?: boolean;
	/** More of our own files a page needs (the API reference's renderer): deferred, never inline. */
	stylesheets?: string[];
	scripts?: string[];
	/** Styles of one page, after the shop's own (and after its stylesheets, to override them). */
	css?: string;
	/**
	 * A page that is the same in every market but its prices (a product, a category): its canonical
	 * address names the market it shows, and `hreflang` alternates name every market's.
	 */
	perMarket?: boolean;
	/** The support chat launcher (default on: every storefront page); off on tool pages (docs, dev mail). */
	supportWidget?: boolean;
}>;

/** A site path with `?market=` (or `&market=`) set: the address that shows that market's page. */
export function marketHref(path: string, code: string): string {
	const at = path.indexOf("?");
	const params = new URLSearchParams(at === -1 ? "" : path.slice(at + 1));
	params.set(MARKET_PARAM, code);
	return `${at === -1 ? path : path.slice(0, at)}?${params}`;
}

/**
 * The market chooser. Pages are cached for every shopper of a market, so the form cannot carry
 * a per-shopper CSRF token: POST /market checks the browser's Origin instead, like add to cart.
 */
function MarketChooser({ view }: { view: MarketView }) {
	if (view.list.items.length < 2) return null;
	return (
		<form class="market" action="/market" method="post" data-testid="market-chooser">
			<label>
				<span class="visually-hidden">Market and currency</span>
				<select name="market" aria-label="Market and currency">
					{view.list.items.map((m) => (
						<option value={m.code} selected={m.code === view.market.code}>
							{m.name} ({m.currency})
						</option>
					))}
				</select>
			</label>
			<button type="submit">Change</button>
		</form>
	);
}

export function Layout(props: LayoutProps) {
	const top = (props.categories ?? []).filter((c) => c.parentId === null);
	const absolute = useAbsolute();
	const view = useMarketView();
	const local = props.perMarket && view ? view : null;
	const links = (props.links ?? []).flatMap((l) => {
		if (!local || l.rel !== "canonical") return [{ rel: l.rel, href: absolute(l.href) }];
		// Each market's page at its own address, announced to search engines by language and region;
		// the plain address (the market taken from the cookie or the country) is the x-default.
		return [
			{ rel: "canonical", href: absolute(marketHref(l.href, local.market.code)) },
			...local.list.items.map((m) => ({
				rel: "alternate",
				hreflang: m.hreflang,
				href: absolute(marketHref(l.href, m.code)),
			})),
			{ rel: "alternate", hreflang: "x-default", href: absolute(l.href) },
		];
	});
	const canonical = links.find((l) => l.rel === "canonical")?.href;
	const image = props.og?.image;
	return (
		<html lang="en">
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<title>{`${props.title} · Bazaar`}</title>
				{props.description ? <meta name="description" content={props.description} /> : null}
				{props.noindex ? <meta name="robots" content="noindex" /> : null}
				{links.map((l) => (
					<link rel={l.rel} href={l.href} hreflang={"hreflang" in l ? l.hreflang : undefined} />
				))}
				{/* Shared links (Open Graph, Twitter cards) only for pages with a canonical address. */}
				{canonical ? (
					<>
						<meta property="og:site_name" content="Bazaar" />
						<meta property="og:type" content={props.og?.type ?? "website"} />
						<meta property="og:title" content={props.title} />
						{props.description ? <meta property="og:description" content={props.description} /> : null}
						<meta property="og:url" content={canonical} />
						{image ? (
							<>
								<meta property="og:image" content={absolute(image.url)} />
								<meta property="og:image:width" content={String(image.width)} />
								<meta property="og:image:height" content={String(image.height)} />
								<meta property="og:image:alt" content={image.alt} />
							</>
						) : null}
						<meta name="twitter:card" content={image ? "summary_large_image" : "summary"} />
						<meta name="twitter:title" content={props.title} />
						{props.description ? <meta name="twitter:description" content={props.description} /> : null}
						{image ? <meta name="twitter:image" content={absolute(image.url)} /> : null}
						{image ? <meta name="twitter:image:alt" content={image.alt} /> : null}
					</>
				) : null}
				{(props.jsonLd ?? []).map((data) => (
					<script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLdText(data) }} />
				))}
				<style dangerouslySetInnerHTML={{ __html: CSS }} />
				{(props.stylesheets ?? []).map((href) => (
					<link rel="stylesheet" href={href} />
				))}
				{props.css ? <style dangerouslySetInnerHTML={{ __html: props.css }} /> : null}
				<script src={HEADER_SCRIPT_URL} defer />
				{(props.scripts ?? []).map((src) => (
					<script src={src} defer />
				))}
				{/* A module: runs after the page is parsed and fetches the chat itself only when opened. */}
				{props.supportWidget === false ? null : <script type="module" src={SUPPORT_WIDGET_SCRIPT_URL} />}
			</head>
			<body>
				<a class="skip" href="#main">
					Skip to content
				</a>
				<header>
					<a class="logo" href="/">
						Bazaar
					</a>
					<form action="/search" method="get">
						<input type="search" name="q" value={props.q ?? ""} placeholder="Search products" aria-label="Search" />
						<button type="submit">Search</button>
					</form>
					{view ? <MarketChooser view={view} /> : null}
					{/* Cached pages are the same for everyone: header.js swaps in the name and the count. */}
					<nav class="me" aria-label="Your account and cart">
						<a href="/account" data-account="">
							Sign in
						</a>
						<a href="/cart" class="cart-link">
							Cart <span class="count" data-cart-count="" hidden />
						</a>
					</nav>
				</header>
				{top.length > 0 ? (
					<nav class="cats" aria-label="Categories">
						{top.map((c) => (
							<a href={`/categories/${c.slug}`}>{c.name}</a>
						))}
					</nav>
				) : null}
				<main id="main">{props.children}</main>
				<footer>
					Bazaar · <a href="/docs">API reference</a>
				</footer>
			</body>
		</html>
	);
}

import type { Category } from "@bazaar/contracts";
import type { PropsWithChildren } from "hono/jsx";
import { HEADER_SCRIPT_URL } from "../cart/header-script";
import { CSS } from "./styles";

export type LayoutProps = PropsWithChildren<{
	title: string;
	description?: string;
	/** Top-level categories for the navigation bar; empty on error pages that could not load them. */
	categories?: Category[];
	q?: string;
	/** rel=next / rel=prev / canonical links for crawlers. */
	links?: { rel: string; href: string }[];
	/** schema.org data for search engines, already made safe for a script element (jsonForScript). */
	jsonLd?: string;
}>;

export function Layout(props: LayoutProps) {
	const top = (props.categories ?? []).filter((c) => c.parentId === null);
	return (
		<html lang="en">
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<title>{`${props.title} · Bazaar`}</title>
				{props.description ? <meta name="description" content={props.description} /> : null}
				{(props.links ?? []).map((l) => (
					<link rel={l.rel} href={l.href} />
				))}
				<style dangerouslySetInnerHTML={{ __html: CSS }} />
				<script src={HEADER_SCRIPT_URL} defer />
				{props.jsonLd ? <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: props.jsonLd }} /> : null}
			</head>
			<body>
				<header>
					<a class="logo" href="/">
						Bazaar
					</a>
					<form action="/search" method="get">
						<input type="search" name="q" value={props.q ?? ""} placeholder="Search products" aria-label="Search" />
						<button type="submit">Search</button>
					</form>
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
				<main>{props.children}</main>
				<footer>
					Bazaar · <a href="/docs">API reference</a>
				</footer>
			</body>
		</html>
	);
}

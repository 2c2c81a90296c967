import type { PropsWithChildren } from "hono/jsx";
import { type Section, SUPPORT_CHAT_ROLES, sectionsFor } from "../console/access";
import { CONSOLE_SCRIPT_URL } from "../console/script";
import { Csrf } from "./account-pages";
import { CSS } from "./styles";

// The admin console's frame: the shop's styles, a navigation that lists only the sections the
// staff member's roles may open, and a sign-out button. Pages are plain forms and links.

const LABELS: Record<Section, string> = {
	dashboard: "Dashboard",
	catalog: "Catalog",
	stock: "Stock",
	orders: "Orders",
	customers: "Customers",
	promotions: "Promotions",
	reviews: "Reviews",
	operations: "Operations",
};
const HOME: Record<Section, string> = {
	dashboard: "/admin",
	catalog: "/admin/products",
	stock: "/admin/stock",
	orders: "/admin/orders",
	customers: "/admin/customers",
	promotions: "/admin/promotions",
	reviews: "/admin/reviews",
	operations: "/admin/operations",
};

const CONSOLE_CSS = `
body.console header{background:#1f2a44}
.console-nav{background:#fff;border-bottom:1px solid #ddd;padding:.4rem 1rem;display:flex;gap:1rem;flex-wrap:wrap}
.console-nav a[aria-current=page]{font-weight:700;color:#1d1d1f;text-decoration:underline}
.console main{max-width:80rem}
.console header form{flex:0;margin-left:auto}.console header form button{border-radius:4px;background:#fff;color:#1f2a44}
.console .who{color:#dde}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:1rem;list-style:none;padding:0}
.tiles li{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:.7rem}
.tiles .figure{display:block;font-size:1.6rem;font-weight:700}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(22rem,1fr));gap:1rem}
.charts figure{margin:0;background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:.6rem}
.charts svg{width:100%;height:auto}
.console fieldset{border:1px solid #ddd;border-radius:6px;margin:0 0 1rem;padding:.6rem .9rem;background:#fff}
.console .fields{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.6rem 1rem}
.console .fields label,.console label.block{display:block}
.console .fields input,.console .fields select,.console textarea{width:100%;padding:.35rem}
.console textarea{min-height:6rem}
.console form.row{display:flex;gap:.6rem;flex-wrap:wrap;align-items:end;margin:.6rem 0}
.console form.row label{display:block}
.console form.inline{display:inline}
.console .actions{display:flex;gap:.6rem;flex-wrap:wrap;margin:.6rem 0}
.console button{padding:.35rem .8rem;cursor:pointer}
button.danger{background:#8a1c1c;color:#fff;border:0;border-radius:6px;padding:.5rem 1rem}
.preview{max-width:12rem;max-height:12rem;border:1px solid #ddd;border-radius:4px;display:block;margin:.4rem 0}
.images{display:flex;gap:.6rem;flex-wrap:wrap;list-style:none;padding:0}.images img{border-radius:4px;background:#eee}
.num{text-align:right;font-variant-numeric:tabular-nums}
.low{color:#8a1c1c;font-weight:600}
@media print{
body.console header,.console-nav,.no-print,footer{display:none!important}
body{background:#fff}.console main{max-width:none;padding:0}
.slip{font-size:12pt}.slip table{font-size:11pt}
}
`;

export type ConsoleProps = PropsWithChildren<{
	title: string;
	/** The staff member's roles: the navigation shows what they may open. */
	roles: readonly string[];
	name?: string | undefined;
	csrf: string;
	current?: Section | undefined;
}>;

export function ConsoleLayout(props: ConsoleProps) {
	const sections = sectionsFor(props.roles);
	return (
		<html lang="en">
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<meta name="robots" content="noindex" />
				<title>{`${props.title} · Bazaar admin`}</title>
				<style dangerouslySetInnerHTML={{ __html: CSS + CONSOLE_CSS }} />
				<script src={CONSOLE_SCRIPT_URL} defer />
			</head>
			<body class="console">
				<a class="skip" href="#main">
					Skip to content
				</a>
				<header>
					<a class="logo" href="/admin">
						Bazaar admin
					</a>
					<a href="/">Shop</a>
					{props.name ? <span class="who">{props.name}</span> : null}
					<form action="/account/logout" method="post">
						<Csrf token={props.csrf} />
						<button type="submit">Sign out</button>
					</form>
				</header>
				{sections.length > 0 ? (
					<nav class="console-nav" aria-label="Console">
						{sections.map((s) => (
							<a href={HOME[s]} aria-current={s === props.current ? "page" : undefined}>
								{LABELS[s]}
							</a>
						))}
						{props.roles.some((r) => SUPPORT_CHAT_ROLES.includes(r)) ? <a href="/support">Support chat</a> : null}
					</nav>
				) : null}
				<main id="main">{props.children}</main>
			</body>
		</html>
	);
}

/** A page the staff member's roles do not open (or a non-staff account): 403, with the way back. */
export function ForbiddenPage(props: { roles: readonly string[]; csrf: string; detail: string }) {
	const staff = sectionsFor(props.roles).length > 0;
	return (
		<ConsoleLayout title="Not allowed" roles={props.roles} csrf={props.csrf}>
			<h1>You cannot open this page</h1>
			<p>{props.detail}</p>
			<p>{staff ? <a href="/admin">Back to the dashboard</a> : <a href="/">Back to the shop</a>}</p>
		</ConsoleLayout>
	);
}

/** Previous/next links of a cursor-paginated list (the cursor rides in the query string). */
export function Pager({ base, next }: { base: URLSearchParams; next: string | null }) {
	if (!next) return null;
	const params = new URLSearchParams(base);
	params.set("cursor", next);
	return (
		<nav class="pager" aria-label="Pages">
			<a href={`?${params.toString()}`} rel="next">
				Next page
			</a>
		</nav>
	);
}

// The sitemaps protocol (sitemaps.org 0.9) as text: a <urlset> of pages, or a <sitemapindex>
// of sitemap files once the shop has more URLs than one file may hold.

export interface SitemapUrl {
	loc: string;
	lastmod?: string;
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
const escapeXml = (text: string) => text.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"';

function entry(tag: "url" | "sitemap", u: SitemapUrl): string {
	const lastmod = u.lastmod ? `<lastmod>${escapeXml(u.lastmod)}</lastmod>` : "";
	return `<${tag}><loc>${escapeXml(u.loc)}</loc>${lastmod}</${tag}>\n`;
}

export function urlsetXml(urls: SitemapUrl[]): string {
	return `${HEAD}<urlset ${NS}>\n${urls.map((u) => entry("url", u)).join("")}</urlset>\n`;
}

export function sitemapIndexXml(files: SitemapUrl[]): string {
	return `${HEAD}<sitemapindex ${NS}>\n${files.map((f) => entry("sitemap", f)).join("")}</sitemapindex>\n`;
}

/**
 * How sitemap.xml is laid out: one file while the fixed pages (home, categories) and every
 * product fit in `max` URLs; past that an index of a pages file and `productFiles` product
 * files of up to `max` products each.
 */
export function sitemapPlan(
	fixedUrls: number,
	products: number,
	max: number,
): { split: false } | { split: true; productFiles: number } {
	if (fixedUrls + products <= max) return { split: false };
	return { split: true, productFiles: Math.max(1, Math.ceil(products / max)) };
}

// Cache keys of the catalog's reads, shared by the routes and the hot path so both find the
// same entries. List and search key on the query string as sent: the edge sends it canonical.

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const PRODUCT_PREFIX = "/catalog/products/";

export const readKey = {
	list: (query: string) => `list?${query}`,
	search: (query: string) => `search?${query}`,
	product: (slug: string) => `product:${slug}`,
	categories: () => "categories",
	markets: () => "markets",
	sitemap: (page: number, size: number) => `sitemap:${page}:${size}`,
};

export function queryOf(url: string): string {
	const at = url.indexOf("?");
	return at === -1 ? "" : url.slice(at + 1);
}

/** The key of a cached catalog read at this path and query, or null when it is not one. */
export function catalogReadKey(pathAndQuery: string): string | null {
	const at = pathAndQuery.indexOf("?");
	const path = at === -1 ? pathAndQuery : pathAndQuery.slice(0, at);
	const query = at === -1 ? "" : pathAndQuery.slice(at + 1);
	if (path === "/catalog/products") return readKey.list(query);
	if (path === "/catalog/search") return readKey.search(query);
	if (path === "/catalog/categories") return query === "" ? readKey.categories() : null;
	if (path === "/catalog/markets") return query === "" ? readKey.markets() : null;
	if (path.startsWith(PRODUCT_PREFIX) && query === "") {
		const slug = path.slice(PRODUCT_PREFIX.length);
		return SLUG.test(slug) ? readKey.product(slug) : null;
	}
	return null;
}

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sign } from "@bazaar/signature";
import { ADMIN, type Harness, harness, SECRET } from "../testing/harness";
import { catalogHotRead } from "./hot-read";

// The hot path must answer exactly what the app answers, and never anything the app would refuse.

describe("catalog hot read (before the router)", () => {
	let h: Harness;
	let fetch: (req: Request) => Response | Promise<Response>;
	let slug: string;
	beforeAll(async () => {
		h = await harness({ seeded: true });
		const hot = catalogHotRead(h.mod.cache, SECRET);
		fetch = (req) => hot(req) ?? h.app.fetch(req);
		const list = (await (await h.call("GET", "/catalog/products?limit=1")).json()) as { items: { slug: string }[] };
		slug = list.items[0]!.slug;
	}, 120_000);
	afterAll(() => h?.close());

	const signedGet = async (path: string, headers: Record<string, string> = {}) =>
		new Request(`http://core${path}`, {
			headers: { ...headers, ...(await sign({ secret: SECRET, method: "GET", path, headers })) },
		});

	test("a miss takes the app; the next read is answered from memory with the same bytes", async () => {
		const path = `/catalog/products/${slug}`;
		const first = await fetch(await signedGet(path));
		expect(first.status).toBe(200);
		const second = await fetch(await signedGet(path));
		expect(second.headers.get("x-cache")).toBe("memory");
		expect(second.headers.get("etag")).toBe(first.headers.get("etag"));
		expect(await second.text()).toBe(await first.text());
		const revalidated = await fetch(await signedGet(path, { "if-none-match": first.headers.get("etag")! }));
		expect(revalidated.status).toBe(304);
	});

	test("a cached entry is never served to an unsigned, tampered or stale request", async () => {
		const path = "/catalog/categories";
		await fetch(await signedGet(path));
		expect((await fetch(new Request(`http://core${path}`))).status).toBe(401);
		const other = await signedGet("/catalog/categories?x=1");
		expect((await fetch(new Request(`http://core${path}`, { headers: other.headers }))).status).toBe(401);
		const stale = await sign({ secret: SECRET, method: "GET", path, now: Date.now() - 3600_000 });
		expect((await fetch(new Request(`http://core${path}`, { headers: stale }))).status).toBe(401);
	});

	test("after a write the old entry is not served", async () => {
		const path = `/catalog/products/${slug}`;
		const before = await fetch(await signedGet(path));
		const product = (await before.json()) as { id: string; title: string };
		const res = await h.call("PATCH", `/catalog/admin/products/${product.id}`, {
			body: { title: `${product.title} (renamed)` },
			caller: ADMIN,
		});
		expect(res.status).toBe(200);
		const after = await fetch(await signedGet(path));
		expect(((await after.json()) as { title: string }).title).toBe(`${product.title} (renamed)`);
	});
});

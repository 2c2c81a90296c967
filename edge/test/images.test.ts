import { env } from "cloudflare:workers";
import { Problem, ProductList } from "@bazaar/contracts";
import { describe, expect, it } from "vitest";
import { edge, edgeJson } from "./helpers";

async function sha256(bytes: ArrayBuffer): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
	return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("images", () => {
	it("reads an image through from the core into R2 and serves it immutable", async () => {
		// Other files of the run add products without images (newest first): page until one has one.
		let withImage: ProductList["items"][number] | undefined;
		for (let cursor: string | null = ""; !withImage && cursor !== null; ) {
			const list = ProductList.parse(
				(await edgeJson(`/api/catalog/products?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`))
					.body,
			);
			withImage = list.items.find((p) => p.thumbnail);
			cursor = list.nextCursor;
		}
		const thumb = withImage!.thumbnail!.sources.find((s) => s.size === "thumb")!;
		expect(await env.IMAGES.head(thumb.hash)).toBeNull();

		const res = await edge(`/img/${thumb.hash}.png`);
		expect(res.status).toBe(200);
		expect(res.headers.get("x-bazaar-cache")).toBe("core");
		expect(res.headers.get("content-type")).toBe("image/png");
		expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
		expect(res.headers.get("etag")).toBe(`"${thumb.hash}"`);
		const bytes = await res.arrayBuffer();
		expect(bytes.byteLength).toBe(thumb.bytes);
		expect(await sha256(bytes)).toBe(thumb.hash);

		const stored = await env.IMAGES.get(thumb.hash);
		expect(stored).not.toBeNull();
		expect(stored!.httpMetadata?.contentType).toBe("image/png");
		expect(await sha256(await stored!.arrayBuffer())).toBe(thumb.hash);

		const again = await edge(`/img/${thumb.hash}.png`);
		expect(["cache", "r2"]).toContain(again.headers.get("x-bazaar-cache"));
		expect(await sha256(await again.arrayBuffer())).toBe(thumb.hash);

		const revalidate = await edge(`/img/${thumb.hash}.png`, { headers: { "if-none-match": `"${thumb.hash}"` } });
		expect(revalidate.status).toBe(304);
	});

	it("refuses malformed names with 400 and unknown hashes with 404 problems", async () => {
		for (const name of ["abc.png", `${"a".repeat(64)}.gif`, `${"A".repeat(64)}.png`, `${"a".repeat(64)}`]) {
			const res = await edge(`/img/${name}`);
			expect(res.status, name).toBe(400);
			expect(res.headers.get("content-type")).toBe("application/problem+json");
		}
		const unknown = await edge(`/img/${"0".repeat(64)}.png`);
		expect(unknown.status).toBe(404);
		expect(Problem.parse(await unknown.json()).status).toBe(404);
	});
});

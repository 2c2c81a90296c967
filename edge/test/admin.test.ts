import { Problem, Product, ProductList } from "@bazaar/contracts";
import { describe, expect, it } from "vitest";
import { adminHeaders, edge, edgeJson } from "./helpers";

describe("admin proxy", () => {
	it("refuses callers without the admin token", async () => {
		for (const headers of [
			{} as Record<string, string>,
			{ authorization: "Bearer wrong-token" },
			{ authorization: "Basic YWRtaW46YWRtaW4=" },
		]) {
			const res = await edge("/api/admin/catalog/categories", {
				method: "POST",
				headers,
				body: JSON.stringify({ name: "Sneaky" }),
			});
			expect(res.status).toBe(401);
			expect(res.headers.get("www-authenticate")).toContain("Bearer");
			Problem.parse(await res.json());
		}
	});

	it("passes an authorised call through to the core, signed as the admin", async () => {
		const list = ProductList.parse((await edgeJson("/api/catalog/products?limit=1")).body);
		const id = list.items[0]!.id;
		const res = await edge(`/api/admin/catalog/products/${id}`, { headers: adminHeaders() });
		expect(res.status).toBe(200);
		expect(res.headers.get("cache-control")).toBe("no-store");
		expect(Product.parse(await res.json()).id).toBe(id);
	});

	it("creates a category and passes the core's problems back unchanged", async () => {
		const created = await edge("/api/admin/catalog/categories", {
			method: "POST",
			headers: adminHeaders(),
			body: JSON.stringify({ name: `Edge test ${Date.now()}` }),
		});
		expect(created.status).toBe(201);

		const invalid = await edge("/api/admin/catalog/categories", {
			method: "POST",
			headers: adminHeaders(),
			body: JSON.stringify({ name: "" }),
		});
		expect(invalid.status).toBe(400);
		expect(invalid.headers.get("content-type")).toContain("application/problem+json");
		expect(Problem.parse(await invalid.json()).errors?.length).toBeGreaterThan(0);

		const missing = await edge("/api/admin/catalog/products/prod_0000000000", { headers: adminHeaders() });
		expect(missing.status).toBe(404);
	});

	it("refuses encoded path separators", async () => {
		const res = await edge("/api/admin/catalog/products%2F..%2F..%2Fproducts", { headers: adminHeaders() });
		expect(res.status).toBe(400);
	});

	it("limits the body size", async () => {
		const res = await edge("/api/admin/catalog/categories", {
			method: "POST",
			headers: adminHeaders(),
			body: "x".repeat(10 * 1024 * 1024),
		});
		expect(res.status).toBe(413);
	});
});

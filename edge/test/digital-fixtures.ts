import { CategoryList } from "@bazaar/contracts";
import { expect } from "vitest";
import { coreCall } from "./account-support";
import { unique } from "./cart-fixtures";
import { edge, edgeJson } from "./helpers";

// Digital products for the Worker's tests: one made through the core's admin API (a download
// whose SKU is unlimited, or a licence-key variant whose pool is its stock), and the admin
// delivery API through the edge.

export const ADMIN = { user: "usr_01HADMINADMINADMINADMINADM", roles: ["admin"] };
export const PDF = new TextEncoder().encode("%PDF-1.7\nA tiny test book.\n%%EOF\n");
export const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

export async function digitalProduct(delivery: "download" | "license_key") {
	const id = unique();
	const categories = CategoryList.parse((await edgeJson("/api/catalog/categories")).body).items;
	const res = await coreCall("POST", "/catalog/admin/products", ADMIN, {
		kind: "digital",
		status: "active",
		title: `Digital ${delivery} ${id}`,
		description: "Made by the downloads test.",
		categoryId: categories[0]!.id,
		digital: { format: delivery === "download" ? "PDF" : "Installer", sizeBytes: PDF.byteLength, delivery },
		variants: [
			{ sku: `DL-${id}`, title: "Default", options: {}, prices: [{ amount: 900, currency: "USD" }], inStock: true },
		],
	});
	expect(res.status, JSON.stringify(res.body)).toBe(201);
	const variant = res.body.variants[0] as { id: string; sku: string };
	// A download never runs out; a key pool is stock (its upload defines the SKU tracked).
	if (delivery === "download") {
		const defined = await coreCall("PUT", `/inventory/admin/skus/${variant.sku}`, ADMIN, { policy: "unlimited" });
		expect(defined.status).toBeLessThan(300);
	}
	return variant;
}

export function adminApi(path: string, method: string, body: unknown, headers: Record<string, string>) {
	return edge(`/api/admin/delivery${path}`, { method, headers, body: JSON.stringify(body) });
}

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { approvePayment, coreCall, eventually, get, SHIP_TO, type Shopper, signUp } from "./account-support";
import { unique } from "./cart-fixtures";
import { ADMIN, adminApi, b64, digitalProduct, PDF } from "./digital-fixtures";
import { accountWithRoles, adminHeaders, core, edge, ORIGIN } from "./helpers";

// Digital goods through the Worker against the real core: staff upload a file (to the private
// R2 bucket) and a key pool through the admin API; a shopper pays, the order page shows the link
// and the key; the link's page does not count, its button downloads the file from R2 and counts,
// until its limit; a refund ends the link and shows the key revoked.

async function buy(s: Shopper, variantIds: string[]) {
	for (const variantId of variantIds) {
		expect((await coreCall("POST", "/cart/lines", s.caller, { variantId, quantity: 1 })).status).toBe(200);
	}
	const placed = await coreCall(
		"POST",
		"/checkout",
		s.caller,
		{
			address: SHIP_TO,
			shippingMethod: "standard",
			returnUrl: `${ORIGIN}/checkout/return?order={orderId}`,
			cancelUrl: `${ORIGIN}/cart`,
		},
		{ "idempotency-key": `dl-${unique()}` },
	);
	expect(placed.status, JSON.stringify(placed.body)).toBe(201);
	const order = {
		id: placed.body.order.id as string,
		total: placed.body.order.total as number,
		paymentRedirect: placed.body.payment.redirectUrl as string,
		caller: s.caller,
	};
	await approvePayment(order);
	return order;
}

describe("digital delivery", () => {
	it("upload: staff only, allowed types whose bytes match, stored privately; a variant that is not a download is refused and leaves nothing", async () => {
		const book = await digitalProduct("download");
		const app = await digitalProduct("license_key");
		const headers = await adminHeaders();
		const body = { fileName: "Tiny Book.pdf", contentType: "application/pdf", dataBase64: b64(PDF) };
		const path = `/variants/${book.id}/file`;

		expect(
			(
				await edge(`/api/admin/delivery${path}`, {
					method: "PUT",
					headers: { "content-type": "application/json" },
					body: JSON.stringify(body),
				})
			).status,
		).toBe(401);
		expect((await adminApi(path, "PUT", { ...body, contentType: "text/html" }, headers)).status).toBe(400);
		expect((await adminApi(path, "PUT", { ...body, fileName: "../x.pdf" }, headers)).status).toBe(400);
		const notPdf = await adminApi(
			path,
			"PUT",
			{ ...body, dataBase64: b64(new TextEncoder().encode("<html>")) },
			headers,
		);
		expect(notPdf.status).toBe(415);
		expect(notPdf.headers.get("content-type")).toBe("application/problem+json");
		// A staff member the core does not let upload (only admins may) writes nothing to the bucket.
		const manager = await accountWithRoles(["catalog_manager"], headers.authorization?.slice("Bearer ".length) ?? "");
		const refused = await adminApi(path, "PUT", body, await adminHeaders(manager.token));
		expect(refused.status).toBe(403);
		expect((await env.DOWNLOADS.list({ prefix: `files/${book.id}/` })).objects).toHaveLength(0);
		const wrong = await adminApi(`/variants/${app.id}/file`, "PUT", body, headers);
		expect(wrong.status).toBe(422);
		expect((await env.DOWNLOADS.list({ prefix: `files/${app.id}/` })).objects).toHaveLength(0);

		const ok = await adminApi(path, "PUT", body, headers);
		expect(ok.status, await ok.clone().text()).toBe(200);
		const file = (await ok.json()) as { objectKey: string; bytes: number };
		expect(file.bytes).toBe(PDF.byteLength);
		const stored = await env.DOWNLOADS.get(file.objectKey);
		expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(PDF);
		// Not served by the public image route, nor anywhere without a link.
		expect((await edge(`/downloads/${file.objectKey}`)).status).toBe(404);
	});

	it("a paid order shows its link and key; the link counts downloads to its limit; a refund revokes both", async () => {
		const book = await digitalProduct("download");
		const app = await digitalProduct("license_key");
		const headers = await adminHeaders();
		const upload = { fileName: "Tiny Book.pdf", contentType: "application/pdf", dataBase64: b64(PDF) };
		expect((await adminApi(`/variants/${book.id}/file`, "PUT", upload, headers)).status).toBe(200);
		const keys = await adminApi(`/variants/${app.id}/keys`, "POST", { keys: ["EDGE-KEY-0001"] }, headers);
		expect(keys.status).toBe(201);

		const s = await signUp("Digital Shopper");
		const order = await buy(s, [book.id, app.id]);
		const page = await eventually(async () => {
			const p = await get(s.jar, `/account/orders/${order.id}`);
			return p.html.includes('data-status="delivered">delivered<') ? p : undefined;
		}, "the order delivered");
		expect(page.html).toContain("<code>EDGE-KEY-0001</code>");
		const href = /href="(\/downloads\/[^"]+)"/.exec(page.html)?.[1];
		expect(href).toBeDefined();

		// Someone else's order: no links, no key.
		const stranger = await signUp("Stranger");
		expect((await get(stranger.jar, `/account/orders/${order.id}`)).html).not.toContain("EDGE-KEY-0001");

		const shown = await edge(href!);
		expect(shown.status).toBe(200);
		expect(await shown.text()).toContain('data-testid="download-button"');
		for (let left = 4; left >= 0; left--) {
			const res = await edge(href!, { method: "POST" });
			expect(res.status).toBe(200);
			expect(res.headers.get("content-disposition")).toBe('attachment; filename="Tiny Book.pdf"');
			expect(res.headers.get("content-type")).toBe("application/pdf");
			expect(res.headers.get("x-downloads-left")).toBe(String(left));
			expect(new Uint8Array(await res.arrayBuffer())).toEqual(PDF);
		}
		const used = await edge(href!, { method: "POST" });
		expect(used.status).toBe(410);
		await used.arrayBuffer();
		const forged = await edge(`${href!.slice(0, -1)}${href!.endsWith("0") ? "1" : "0"}`, { method: "POST" });
		expect(forged.status).toBe(404);
		await forged.arrayBuffer();

		const refund = await coreCall(
			"POST",
			`/orders/admin/${order.id}/refund`,
			ADMIN,
			{ amount: order.total, reason: "test refund" },
			{ "idempotency-key": `dl-refund-${order.id}` },
		);
		expect(refund.status, JSON.stringify(refund.body)).toBe(202);
		const after = await eventually(async () => {
			const p = await get(s.jar, `/account/orders/${order.id}`);
			return p.html.includes('data-testid="order-key" data-status="revoked"') ? p : undefined;
		}, "the key shown revoked");
		expect(after.html).toContain('data-testid="order-download" data-status="revoked"');
		expect(after.html).not.toContain('href="/downloads/');
	});

	it("licence keys are stock: a variant without keys is refused at checkout like any out-of-stock", async () => {
		const app = await digitalProduct("license_key");
		const headers = await adminHeaders();
		expect((await adminApi(`/variants/${app.id}/keys`, "POST", { keys: ["ONLY-ONE-KEY"] }, headers)).status).toBe(201);
		expect(
			await (await core().request("GET", `/inventory/admin/skus/${app.sku}`, { caller: ADMIN })).json(),
		).toMatchObject({ policy: "tracked" });
		const s = await signUp("Late Shopper");
		expect((await coreCall("POST", "/cart/lines", s.caller, { variantId: app.id, quantity: 2 })).status).toBe(409);
		expect((await adminApi(`/variants/${app.id}/keys`, "POST", { keys: [] }, headers)).status).toBe(400);
		const pool = await adminApi(`/variants/${app.id}/keys`, "GET", undefined, headers);
		expect(await pool.json()).toMatchObject({ available: 1, issued: 0 });
	});
});

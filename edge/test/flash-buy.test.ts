import { env } from "cloudflare:workers";
import { ulid } from "@bazaar/ids";
import { describe, expect, test } from "vitest";
import { bearerFor, coreCall, csrfOf, eventually, get, post, signUp } from "./account-support";
import { adminHeaders, core, edge, receiveStock } from "./helpers";

// A flash sale end to end on real parts: the admin creates and arms an item through the admin API
// (the core holds the quota, the Worker's coordinator spreads it over the shards), shoppers buy
// through POST /api/flash/:item/buy, the shards' batches reach the real core, which creates each
// pending order at the flash price, and the shopper pays through the sandbox gateway. Bad input of
// every kind is a 4xx that changes nothing.

const ADMIN_CALLER = { user: "usr_test_admin", roles: ["admin"] };

async function stockedSku(quantity: number): Promise<string> {
	const sku = `FLASH-${ulid()}`;
	await receiveStock(sku, quantity, { define: true });
	return sku;
}

async function createItem(
	headers: Record<string, string>,
	sku: string,
	overrides: Record<string, unknown> = {},
): Promise<{ id: string }> {
	const now = Date.now();
	const res = await edge("/api/admin/flash/items", {
		method: "POST",
		headers,
		body: JSON.stringify({
			variantId: "var_flash",
			sku,
			title: "Flash headphones",
			currency: "USD",
			flashPrice: 2_500,
			regularPrice: 9_900,
			quota: 5,
			perShopperLimit: 1,
			startsAt: new Date(now - 60_000).toISOString(),
			endsAt: new Date(now + 3_600_000).toISOString(),
			shards: 4,
			paymentWindowSeconds: 600,
			...overrides,
		}),
	});
	expect(res.status, await res.clone().text()).toBe(201);
	const item = (await res.json()) as { id: string };
	// The new item's address is the edge's, not the core's path behind it.
	expect(res.headers.get("location")).toBe(`/api/admin/flash/items/${item.id}`);
	return item;
}

async function arm(headers: Record<string, string>, id: string): Promise<Response> {
	return edge(`/api/admin/flash/items/${id}/arm`, { method: "POST", headers, body: "{}" });
}

async function shopperWithAddress() {
	const s = await signUp("Flash Shopper");
	const added = await coreCall("POST", "/identity/me/addresses", s.caller, {
		recipient: "Flash Shopper",
		line1: "1 Market Street",
		city: "San Francisco",
		region: "CA",
		postalCode: "94105",
		country: "US",
	});
	expect(added.status).toBe(201);
	const token = await bearerFor(s);
	return { ...s, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } };
}

function buy(headers: Record<string, string>, item: string, body: unknown = {}) {
	return edge(`/api/flash/${item}/buy`, { method: "POST", headers, body: JSON.stringify(body) });
}

async function stockOf(sku: string) {
	const res = await coreCall("GET", `/inventory/admin/skus/${sku}`, ADMIN_CALLER);
	const rows = res.body.rows as { reserved: number; sold: number; available: number }[];
	return {
		reserved: rows.reduce((n, r) => n + r.reserved, 0),
		sold: rows.reduce((n, r) => n + r.sold, 0),
		available: rows.reduce((n, r) => n + r.available, 0),
	};
}

// Each test signs up several shoppers through the real pages: on a loaded machine that alone takes
// seconds, so these get more than the suite's 20 s.
describe("flash sale through the Worker", { timeout: 90_000 }, () => {
	test("arm, buy, the order appears at the flash price, pay; sold out after the quota", async () => {
		const admin = await adminHeaders();
		const sku = await stockedSku(20);
		const item = await createItem(admin, sku, { quota: 3 });
		const armed = await arm(admin, item.id);
		expect(armed.status, await armed.clone().text()).toBe(200);
		expect(await stockOf(sku)).toEqual({ reserved: 3, sold: 0, available: 17 });
		// Arming again changes nothing anywhere.
		expect((await arm(admin, item.id)).status).toBe(200);
		expect(await stockOf(sku)).toEqual({ reserved: 3, sold: 0, available: 17 });

		const alice = await shopperWithAddress();
		const res = await buy(alice.headers, item.id);
		expect(res.status, await res.clone().text()).toBe(201);
		const bought = (await res.json()) as { token: string; orderId: string; unitPrice: number };
		expect(bought.unitPrice).toBe(2_500);
		// Over the per-shopper limit: 422, and nothing is taken.
		expect((await buy(alice.headers, item.id)).status).toBe(422);

		const status = await eventually(async () => {
			const r = await edge(`/api/flash/reservations/${bought.token}`, { headers: alice.headers });
			const body = (await r.json()) as { status: string | null; total: number | null };
			return body.status === "pending_payment" ? body : undefined;
		}, "the flash order");
		expect(status.total).toBeGreaterThanOrEqual(2_500);

		// Someone else holding the token gets a 404, as does a made-up or altered one.
		const bob = await shopperWithAddress();
		expect((await edge(`/api/flash/reservations/${bought.token}`, { headers: bob.headers })).status).toBe(404);
		const forged = `${bought.token.slice(0, -4)}beef`;
		expect((await edge(`/api/flash/reservations/${forged}`, { headers: alice.headers })).status).toBe(404);
		expect(
			(
				await edge(`/api/flash/reservations/fr_${ulid()}.${"0".repeat(64)}/pay`, {
					method: "POST",
					headers: alice.headers,
					body: "{}",
				})
			).status,
		).toBe(404);

		const pay = await edge(`/api/flash/reservations/${bought.token}/pay`, {
			method: "POST",
			headers: alice.headers,
			body: "{}",
		});
		expect(pay.status, await pay.clone().text()).toBe(200);
		const { redirectUrl } = (await pay.json()) as { redirectUrl: string };
		const reference = redirectUrl.split("/").at(-1);
		const page = `/payment/sandbox/pay/${reference}`;
		await (await core().request("GET", page, { caller: alice.caller })).arrayBuffer();
		const approved = await core().request("POST", `${page}/approve`, { caller: alice.caller });
		expect(approved.status).toBe(200);
		await approved.arrayBuffer();
		await eventually(async () => {
			const s = await stockOf(sku);
			return s.sold === 1 ? s : undefined;
		}, "the paid unit leaving the hold");
		expect(await stockOf(sku)).toEqual({ reserved: 2, sold: 1, available: 17 });
		// Paying again (a replayed token) changes nothing: the order is paid.
		const again = await edge(`/api/flash/reservations/${bought.token}/pay`, {
			method: "POST",
			headers: alice.headers,
			body: "{}",
		});
		expect(again.status).toBe(409);

		// Two more shoppers take the last units; the next is told sold out.
		const more = [bob, await shopperWithAddress()];
		for (const s of more) expect((await buy(s.headers, item.id)).status).toBe(201);
		const late = await shopperWithAddress();
		const sold = await buy(late.headers, item.id);
		expect(sold.status).toBe(409);
		expect(((await sold.json()) as { type: string }).type).toBe("https://bazaar.dev/problems/sold-out");
		const info = (await (await edge(`/api/flash/${item.id}`)).json()) as { soldOut: boolean };
		expect(info.soldOut).toBe(true);
	});

	test("bad input: before the start, after the end, unknown item, anonymous, bad body → 4xx, nothing taken", async () => {
		const admin = await adminHeaders();
		const sku = await stockedSku(10);
		const now = Date.now();
		const early = await createItem(admin, sku, {
			quota: 2,
			startsAt: new Date(now + 3_600_000).toISOString(),
			endsAt: new Date(now + 7_200_000).toISOString(),
		});
		expect((await arm(admin, early.id)).status).toBe(200);
		const over = await createItem(admin, sku, {
			quota: 2,
			startsAt: new Date(now - 7_200_000).toISOString(),
			endsAt: new Date(now - 3_600_000).toISOString(),
		});
		expect((await arm(admin, over.id)).status).toBe(409);
		const late = await createItem(admin, sku, {
			quota: 2,
			startsAt: new Date(now - 60_000).toISOString(),
			endsAt: new Date(now + 2_000).toISOString(),
		});
		expect((await arm(admin, late.id)).status).toBe(200);
		const shopper = await shopperWithAddress();
		await new Promise((resolve) => setTimeout(resolve, Math.max(0, now + 2_500 - Date.now())));
		expect((await buy(shopper.headers, early.id)).status).toBe(409);
		expect((await buy(shopper.headers, late.id)).status).toBe(410);
		expect((await buy(shopper.headers, `fsi_${ulid()}`)).status).toBe(404);
		expect((await buy(shopper.headers, "not-an-id")).status).toBe(404);
		expect((await buy({ "content-type": "application/json" }, early.id)).status).toBe(401);
		expect((await buy(shopper.headers, early.id, { quantity: 0 })).status).toBe(400);
		expect((await buy(shopper.headers, early.id, { quantity: 1, price: 1 })).status).toBe(400);
		expect(await stockOf(sku)).toEqual({ reserved: 4, sold: 0, available: 6 });
		// A shopper cannot arm or create items.
		expect((await arm(shopper.headers, early.id)).status).toBe(403);
	});

	test("the item's page: Buy now, then the reservation's Pay now hands the shopper to the gateway", async () => {
		const admin = await adminHeaders();
		const sku = await stockedSku(5);
		const item = await createItem(admin, sku, { quota: 2, title: "Flash <lamp>" });
		expect((await arm(admin, item.id)).status).toBe(200);
		const s = await shopperWithAddress();
		const page = await get(s.jar, `/flash/${item.id}`);
		expect(page.res.status).toBe(200);
		expect(page.html).toContain("Flash &lt;lamp&gt;");
		expect(page.html).toContain("$25.00");
		expect(page.html).toContain("Buy now");
		// Without the page's CSRF token nothing is bought.
		expect((await post(s.jar, `/flash/${item.id}/buy`, { csrf: "forged" })).res.status).toBe(403);
		const bought = await post(s.jar, `/flash/${item.id}/buy`, { csrf: csrfOf(page.html) });
		expect(bought.res.status).toBe(303);
		const location = bought.res.headers.get("location") ?? "";
		expect(location).toMatch(/^\/flash\/reservations\/fr_/);
		const ready = await eventually(async () => {
			const r = await get(s.jar, location);
			return r.html.includes("Pay now") ? r : undefined;
		}, "the reservation's order");
		const paid = await post(s.jar, `${location}/pay`, { csrf: csrfOf(ready.html) });
		expect(paid.res.status).toBe(303);
		expect(paid.res.headers.get("location") ?? "").toContain("sandbox");
		// Another shopper opening the link sees nothing of it.
		const other = await shopperWithAddress();
		expect((await get(other.jar, location)).res.status).toBe(404);
		expect(await stockOf(sku)).toEqual({ reserved: 2, sold: 0, available: 3 });
	});

	test("a reservation the core refuses (the shopper has no address) puts its unit back on sale, once", async () => {
		const admin = await adminHeaders();
		const sku = await stockedSku(3);
		const item = await createItem(admin, sku, { quota: 1, shards: 1 });
		expect((await arm(admin, item.id)).status).toBe(200);
		const homeless = await signUp("No Address");
		const headers = { authorization: `Bearer ${await bearerFor(homeless)}`, "content-type": "application/json" };
		expect((await buy(headers, item.id)).status).toBe(201);
		const coordinator = env.FLASH_COORDINATOR.get(env.FLASH_COORDINATOR.idFromName(item.id));
		await eventually(async () => ((await coordinator.status()).returned === 1 ? true : undefined), "the refused unit");
		const buyer = await shopperWithAddress();
		expect((await buy(buyer.headers, item.id)).status).toBe(201);
		const audit = await coordinator.audit();
		expect(audit?.accounted).toBe(1);
		expect(audit?.returned).toBe(1);
	});
});

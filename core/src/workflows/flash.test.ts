import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { FlashIngestResult, FlashItem, FlashReturnBatch } from "@bazaar/contracts/flash";
import { flashOrderId } from "@bazaar/contracts/flash";
import type { Order } from "@bazaar/contracts/order";
import { sql } from "drizzle-orm";
import { insertShoppers, signedReservation } from "../flash/testing/fixtures";
import { ADMIN, json, SECRET } from "../testing/harness";
import { approvePayment, pollFor } from "./testing/journey";
import { type Stack, stack } from "./testing/stack";

// Flash sales in the core on real parts (libSQL files, the bus, the sandbox gateway over HTTP):
// arming holds the quota in one inventory transaction, ingest creates each order once whatever
// is sent again (also across a core restart), payment carves the unit out of the hold, and an
// unpaid order's unit is returned exactly once.

const SERVICE = { user: "edge", roles: ["service"] };
const SKU = "FLASH-TEST-1";
let s: Stack;
const returned: FlashReturnBatch[] = [];

async function newItem(overrides: Record<string, unknown> = {}): Promise<FlashItem> {
	const now = Date.now();
	const res = await s.call("POST", "/flash/admin/items", {
		caller: ADMIN,
		body: {
			variantId: "var_flash_test",
			sku: SKU,
			title: "Flash kettle",
			currency: "USD",
			flashPrice: 1_999,
			regularPrice: 4_999,
			quota: 50,
			perShopperLimit: 2,
			startsAt: new Date(now - 60_000).toISOString(),
			endsAt: new Date(now + 3_600_000).toISOString(),
			shards: 4,
			paymentWindowSeconds: 120,
			...overrides,
		},
	});
	expect(res.status).toBe(201);
	return json<FlashItem>(res);
}

async function arm(id: string): Promise<Response> {
	return s.call("POST", `/flash/admin/items/${id}/arm`, { caller: ADMIN, body: {} });
}

async function stockOf(sku: string) {
	const res = await s.call("GET", `/inventory/admin/skus/${sku}`, { caller: ADMIN });
	return json<{ rows: { onHand: number; reserved: number; sold: number; available: number }[] }>(res);
}

const sumOf = (st: { rows: { reserved: number; sold: number; available: number }[] }) => ({
	reserved: st.rows.reduce((n, r) => n + r.reserved, 0),
	sold: st.rows.reduce((n, r) => n + r.sold, 0),
	available: st.rows.reduce((n, r) => n + r.available, 0),
});

async function ingest(body: unknown): Promise<{ status: number; result: FlashIngestResult }> {
	const res = await s.call("POST", "/flash/reservations", { caller: SERVICE, body });
	return { status: res.status, result: await json<FlashIngestResult>(res) };
}

async function flashOrderCount(): Promise<number> {
	const [row] = await s.core.orders.context.database.db.all<{ n: number }>(
		sql`SELECT count(*) AS n FROM orders WHERE reservation_id LIKE 'fr\\_%' ESCAPE '\\'`,
	);
	return Number(row?.n ?? 0);
}

beforeAll(async () => {
	s = await stack({}, { flashReturns: async (b) => void returned.push(b) });
	await s.core.inventory.defineSku(SKU, { policy: "tracked" });
	await s.core.inventory.receiveStock(SKU, { quantity: 1_000 }, "test");
});
afterAll(async () => {
	await s?.close();
});

describe("arming", () => {
	test("moves the quota out of regular stock in one transaction; arming again changes nothing", async () => {
		const before = sumOf(await stockOf(SKU));
		const item = await newItem();
		const first = await arm(item.id);
		expect(first.status).toBe(200);
		const armed = await json<FlashItem>(first);
		expect(armed.status).toBe("armed");
		expect(armed.holdId).toBe(`fh_${item.id.slice(4)}`);
		const after = sumOf(await stockOf(SKU));
		expect(after.available).toBe(before.available - 50);
		expect(after.reserved).toBe(before.reserved + 50);
		expect((await arm(item.id)).status).toBe(200);
		expect(sumOf(await stockOf(SKU))).toEqual(after);
		const books = await json<{ balanced: boolean }>(
			await s.call("GET", `/inventory/admin/reconcile?sku=${SKU}`, { caller: ADMIN }),
		);
		expect(books.balanced).toBe(true);
	});

	test("a quota larger than what is available is a 409 and holds nothing", async () => {
		const before = sumOf(await stockOf(SKU));
		const item = await newItem({ quota: 100_000 });
		const res = await arm(item.id);
		expect(res.status).toBe(409);
		expect(sumOf(await stockOf(SKU))).toEqual(before);
		const again = await json<FlashItem>(await s.call("GET", `/flash/admin/items/${item.id}`, { caller: ADMIN }));
		expect(again.status).toBe("draft");
	});

	test("bad input: unknown item 404, a shopper or anonymous caller 403, a window that ends first 400", async () => {
		expect((await arm("fsi_01JNOSUCHITEM0000000000000")).status).toBe(404);
		const shopper = { user: "usr_01JABCDEFGHJKMNPQRSTVWXYZ0", roles: ["customer"] };
		expect((await s.call("POST", "/flash/admin/items", { caller: shopper, body: {} })).status).toBe(403);
		const now = Date.now();
		const bad = await s.call("POST", "/flash/admin/items", {
			caller: ADMIN,
			body: {
				variantId: "v",
				sku: SKU,
				title: "t",
				currency: "USD",
				flashPrice: 1,
				quota: 1,
				perShopperLimit: 1,
				startsAt: new Date(now).toISOString(),
				endsAt: new Date(now - 1).toISOString(),
				shards: 1,
			},
		});
		expect(bad.status).toBe(400);
	});
});

describe("ingest", () => {
	test("each reservation becomes exactly one pending order at the flash price, whatever is sent again", async () => {
		const item = await newItem({ quota: 40 });
		await arm(item.id);
		const shoppers = await insertShoppers(s.core.identity, 30);
		const batch = shoppers.map((u, i) => signedReservation(SECRET, item, u, { shard: i % 4 }));
		const before = await flashOrderCount();
		const first = await ingest({ reservations: batch });
		expect(first.status).toBe(200);
		expect(first.result).toEqual({ created: 30, duplicates: 0, refused: [] });
		// A shard that did not hear the answer sends the batch again, overlapping a new one.
		const more = shoppers.slice(0, 5).map((u) => signedReservation(SECRET, item, u, { shard: 1 }));
		const second = await ingest({ reservations: [...batch.slice(10), ...more] });
		expect(second.result).toEqual({ created: 5, duplicates: 20, refused: [] });
		expect(await flashOrderCount()).toBe(before + 35);
		const order = await json<Order>(
			await s.call("GET", `/orders/${flashOrderId(batch[0]?.id ?? "")}`, {
				caller: { user: shoppers[0] ?? "", roles: ["customer"] },
			}),
		);
		expect(order.status).toBe("pending_payment");
		expect(order.subtotal).toBe(1_999);
		expect(order.lines[0]?.unitPrice).toBe(1_999);
		expect(order.reservationId).toBe(batch[0]?.id ?? "");
	});

	test("forged, foreign-priced, over-limit or unknown-item reservations are refused and create nothing", async () => {
		const item = await newItem();
		await arm(item.id);
		const [u] = await insertShoppers(s.core.identity, 1);
		const shopper = u ?? "";
		const good = signedReservation(SECRET, item, shopper);
		const forged = { ...signedReservation(SECRET, item, shopper), quantity: 2 }; // mac no longer matches
		const otherKey = signedReservation("another-secret-0123456789abcdefghij", item, shopper);
		const cheap = signedReservation(SECRET, item, shopper, { unitPrice: 1 });
		const greedy = signedReservation(SECRET, item, shopper, { quantity: 3 });
		const draft = await newItem();
		const unarmed = signedReservation(SECRET, draft, shopper);
		const [noAddress] = await insertShoppers(s.core.identity, 1);
		await s.core.identity.identity.database.write((tx) =>
			tx.run(sql`DELETE FROM addresses WHERE user_id = ${noAddress ?? ""}`),
		);
		const homeless = signedReservation(SECRET, item, noAddress ?? "");
		const before = await flashOrderCount();
		const { result } = await ingest({ reservations: [forged, otherKey, cheap, greedy, unarmed, homeless, good] });
		expect(result.refused.length + result.created, JSON.stringify(result)).toBe(7);
		expect(result.created).toBe(1);
		expect(result.refused).toEqual([
			{ id: forged.id, reason: "bad_mac" },
			{ id: otherKey.id, reason: "bad_mac" },
			{ id: cheap.id, reason: "price_mismatch" },
			{ id: greedy.id, reason: "over_limit" },
			{ id: unarmed.id, reason: "unknown_item" },
			{ id: homeless.id, reason: "no_address" },
		]);
		expect(await flashOrderCount()).toBe(before + 1);
	});

	test("bad batches are 4xx and change nothing; only the edge's service role may send them", async () => {
		const before = await flashOrderCount();
		expect((await ingest({ reservations: [] })).status).toBe(400);
		expect((await ingest({ reservations: [{ id: "fr_x" }] })).status).toBe(400);
		const shopper = { user: "usr_01JABCDEFGHJKMNPQRSTVWXYZ0", roles: ["customer"] };
		const res = await s.call("POST", "/flash/reservations", { caller: shopper, body: { reservations: [] } });
		expect(res.status).toBe(403);
		expect(await flashOrderCount()).toBe(before);
	});
});

describe("payment and expiry", () => {
	test("a paid flash order takes its unit out of the hold (once); reconcile balances", async () => {
		const item = await newItem({ quota: 5 });
		await arm(item.id);
		const [u] = await insertShoppers(s.core.identity, 1);
		const caller = { user: u ?? "", roles: ["customer"] };
		const r = signedReservation(SECRET, item, caller.user);
		await ingest({ reservations: [r] });
		const before = sumOf(await stockOf(SKU));
		const pay = await s.call("POST", `/flash/reservations/${r.id}/pay`, { caller, body: {} });
		expect(pay.status).toBe(200);
		const { redirectUrl, orderId } = await json<{ redirectUrl: string; orderId: string }>(pay);
		// Someone else's reservation is a 404, like one that does not exist.
		const stranger = { user: "usr_01JABCDEFGHJKMNPQRSTVWXYZ0", roles: ["customer"] };
		expect((await s.call("POST", `/flash/reservations/${r.id}/pay`, { caller: stranger, body: {} })).status).toBe(404);
		await approvePayment({ call: s.call } as never, caller, redirectUrl);
		await pollFor(async () => {
			const after = sumOf(await stockOf(SKU));
			return after.sold === before.sold + 1 ? after : undefined;
		});
		const after = sumOf(await stockOf(SKU));
		expect(after.reserved).toBe(before.reserved - 1);
		expect(after.available).toBe(before.available);
		const order = await json<Order>(await s.call("GET", `/orders/${orderId}`, { caller }));
		expect(order.status).toBe("paid");
		// A redelivered order.paid commits nothing more.
		const again = await s.core.inventory.commitFlashUnits({
			holdId: `fh_${item.id.slice(4)}`,
			reservationId: r.id,
			orderId,
			quantity: 1,
		});
		expect(again.committed).toBe(false);
		const books = await json<{ balanced: boolean }>(
			await s.call("GET", `/inventory/admin/reconcile?sku=${SKU}`, { caller: ADMIN }),
		);
		expect(books.balanced).toBe(true);
		expect((await s.call("POST", `/flash/reservations/${r.id}/pay`, { caller, body: {} })).status).toBe(409);
	});

	test("unpaid orders expire and each unit is returned exactly once", async () => {
		const item = await newItem({ quota: 10, paymentWindowSeconds: 60 });
		await arm(item.id);
		const shoppers = await insertShoppers(s.core.identity, 6);
		// Accepted 61 s ago: their payment window is already over.
		const batch = shoppers.map((u) => signedReservation(SECRET, item, u, { at: Date.now() - 61_000 }));
		await ingest({ reservations: batch });
		await ingest({ reservations: batch });
		const mine = () => returned.filter((b) => b.itemId === item.id).flatMap((b) => b.reservations.map((r) => r.id));
		await pollFor(async () => (mine().length >= 6 ? true : undefined), 15_000, "returns");
		await Bun.sleep(500);
		expect(mine().sort()).toEqual(batch.map((r) => r.id).sort());
		const caller = { user: shoppers[0] ?? "", roles: ["customer"] };
		expect((await s.call("POST", `/flash/reservations/${batch[0]?.id}/pay`, { caller, body: {} })).status).toBe(409);
	});
});

describe("a core restart mid-sale", () => {
	test("loses and duplicates nothing: the resent batch after a restart creates only what was missing", async () => {
		const item = await newItem({ quota: 30 });
		await arm(item.id);
		const shoppers = await insertShoppers(s.core.identity, 20);
		const batch = shoppers.map((u) => signedReservation(SECRET, item, u));
		const before = await flashOrderCount();
		await ingest({ reservations: batch.slice(0, 12) });
		// The core stops (its writers drain), another starts on the same files.
		const dir = s.dir;
		await s.close();
		s = await stack({ DATA_DIR: dir }, { flashReturns: async (b) => void returned.push(b) });
		const { result } = await ingest({ reservations: batch });
		expect(result).toEqual({ created: 8, duplicates: 12, refused: [] });
		expect(await flashOrderCount()).toBe(before + 20);
	});
});

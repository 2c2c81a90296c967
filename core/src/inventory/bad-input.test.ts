import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Problem } from "@bazaar/contracts";
import { OUT_OF_STOCK_TYPE, Shortage } from "@bazaar/contracts/inventory";
import { sign } from "@bazaar/signature";
import { json, SECRET } from "../testing/harness";
import { rows } from "../testing/sql";
import { INV_ADMIN, type InventoryHarness, inventoryHarness, SERVICE } from "./testing/fixtures";

// Every bad request is a clear 4xx problem and leaves the database exactly as it was.

let h: InventoryHarness;
beforeAll(async () => {
	h = await inventoryHarness();
	await h.inv.defineSku("OK-1", { policy: "tracked" });
	await h.inv.receiveStock("OK-1", { quantity: 5 }, "admin");
	await h.inv.defineSku("OK-2", { policy: "tracked" });
	await h.inv.receiveStock("OK-2", { quantity: 1 }, "admin");
	await h.inv.reserve({ orderId: "held", lines: [{ sku: "OK-1", quantity: 1 }] });
});
afterAll(() => h?.close());

async function snapshot(): Promise<string> {
	const tables = ["skus", "stock", "reservations", "reservation_lines", "ledger"];
	const dumps = await Promise.all(tables.map((t) => rows(h.inv.context.database, `SELECT * FROM ${t} ORDER BY 1, 2`)));
	return JSON.stringify(dumps);
}

async function expectRefused(status: number, method: string, path: string, body?: unknown, caller = SERVICE) {
	const before = await snapshot();
	const res = await h.call(method, path, { body, caller });
	expect({ path, body, status: res.status }).toEqual({ path, body, status });
	expect(res.headers.get("content-type")).toContain("application/problem+json");
	const problem = Problem.passthrough().parse(await json(res));
	expect(await snapshot()).toBe(before);
	return problem;
}

const line = (over: Record<string, unknown> = {}) => ({ sku: "OK-1", quantity: 1, ...over });
const reserve = (body: unknown) => expectRefused(400, "POST", "/inventory/reservations", body);

describe("reservations", () => {
	test("malformed bodies and out-of-range quantities are 400 naming the field", async () => {
		for (const quantity of [0, -1, 1000, 1.5, "2", null, 1e308]) {
			const p = await reserve({ orderId: "o1", lines: [line({ quantity })] });
			expect(p.errors?.[0]?.path).toBe("lines.0.quantity");
		}
		await reserve({ orderId: "o1", lines: [] });
		await reserve({ orderId: "o1", lines: Array.from({ length: 101 }, () => line()) });
		await reserve({ orderId: "o1" });
		await reserve({ lines: [line()] });
		await reserve({ orderId: "o 1; DROP TABLE stock", lines: [line()] });
		await reserve({ orderId: "o1", lines: [line({ sku: "" })] });
		await reserve({ orderId: "o1", lines: [line({ sku: "bad sku!" })] });
		await reserve({ orderId: "o1", lines: [line({ price: 1 })] });
		await reserve({ orderId: "o1", lines: [line()], ttlSeconds: 0 });
		await reserve({ orderId: "o1", lines: [line()], ttlSeconds: 86_401 });
		await reserve({ orderId: "o1", lines: [line()], extra: true });
		await reserve([line()]);
		await reserve("not an object");
		await reserve("{ not json");
	});

	test("unknown SKUs are 422 naming them", async () => {
		const p = await expectRefused(422, "POST", "/inventory/reservations", {
			orderId: "o1",
			lines: [line(), line({ sku: "GHOST-1" }), line({ sku: "GHOST-2" })],
		});
		expect(p.detail).toContain("GHOST-1");
		expect(p.detail).toContain("GHOST-2");
		expect(p.errors?.map((e) => e.path)).toEqual(["lines.1.sku", "lines.2.sku"]);
	});

	test("out of stock is 409 listing each short SKU and what is available", async () => {
		const p = await expectRefused(409, "POST", "/inventory/reservations", {
			orderId: "o1",
			lines: [line({ quantity: 3 }), line({ sku: "OK-2", quantity: 2 }), line({ quantity: 2 })],
		});
		expect(p.type).toBe(OUT_OF_STOCK_TYPE);
		expect(Shortage.array().parse(p.shortages)).toEqual([
			{ sku: "OK-1", slot: null, requested: 5, available: 4 },
			{ sku: "OK-2", slot: null, requested: 2, available: 1 },
		]);
		expect(p.detail).toContain("OK-1");
	});

	test("wrong content type is 415; a forged caller is 401", async () => {
		const before = await snapshot();
		const body = JSON.stringify({ orderId: "o1", lines: [line()] });
		const plain = { "content-type": "text/plain" };
		const headers = await sign({
			secret: SECRET,
			method: "POST",
			path: "/inventory/reservations",
			body,
			headers: plain,
			caller: SERVICE,
		});
		const res = await h.app.request("/inventory/reservations", {
			method: "POST",
			headers: { ...plain, ...headers },
			body,
		});
		expect(res.status).toBe(415);
		const forged = await h.app.request("/inventory/reservations", {
			method: "POST",
			headers: { ...headers, "x-bazaar-roles": "admin", "content-type": "application/json" },
			body,
		});
		expect(forged.status).toBe(401);
		expect(await snapshot()).toBe(before);
	});
});

describe("admin", () => {
	const adjust = (status: number, body: unknown, sku = "OK-1") =>
		expectRefused(status, "POST", `/inventory/admin/skus/${sku}/adjust`, body, INV_ADMIN);

	test("adjustments need a non-zero bounded delta and a reason", async () => {
		await adjust(400, { delta: 5 });
		await adjust(400, { delta: 5, reason: "   " });
		await adjust(400, { delta: 0, reason: "x" });
		await adjust(400, { delta: 2.5, reason: "x" });
		await adjust(400, { delta: 10_000_000, reason: "x" });
		await adjust(400, { delta: 1, reason: "x", warehouse: "Main Street" });
		await adjust(404, { delta: 1, reason: "x" }, "GHOST");
		await adjust(422, { delta: 1, reason: "x", slot: "2030-01-01T10:00:00Z" });
		const p = await adjust(409, { delta: -5, reason: "x" });
		expect(p.detail).toContain("reserved 1");
	});

	test("receipts, definitions, ledger queries", async () => {
		await expectRefused(400, "POST", "/inventory/admin/skus/OK-1/receive", { quantity: 0 }, INV_ADMIN);
		await expectRefused(400, "POST", "/inventory/admin/skus/OK-1/receive", { quantity: -4 }, INV_ADMIN);
		await expectRefused(404, "POST", "/inventory/admin/skus/GHOST/receive", { quantity: 4 }, INV_ADMIN);
		await expectRefused(400, "PUT", "/inventory/admin/skus/NEW-1", { policy: "capacity" }, INV_ADMIN);
		await expectRefused(400, "PUT", "/inventory/admin/skus/NEW-1", { policy: "tracked", slotCapacity: 3 }, INV_ADMIN);
		await expectRefused(400, "PUT", "/inventory/admin/skus/NEW-1", { policy: "lots" }, INV_ADMIN);
		await expectRefused(400, "PUT", "/inventory/admin/skus/bad%20sku", { policy: "tracked" }, INV_ADMIN);
		await expectRefused(400, "GET", "/inventory/admin/skus/OK-1/ledger?limit=0", undefined, INV_ADMIN);
		await expectRefused(400, "GET", "/inventory/admin/skus/OK-1/ledger?after=-1", undefined, INV_ADMIN);
		await expectRefused(404, "GET", "/inventory/admin/skus/GHOST/ledger", undefined, INV_ADMIN);
		await expectRefused(404, "GET", "/inventory/admin/skus/GHOST", undefined, INV_ADMIN);
	});
});

describe("availability", () => {
	test("no SKUs, too many, malformed or unknown ones are 4xx", async () => {
		await expectRefused(400, "GET", "/inventory/availability");
		await expectRefused(
			400,
			"GET",
			`/inventory/availability?${Array.from({ length: 201 }, () => "sku=OK-1").join("&")}`,
		);
		await expectRefused(400, "GET", "/inventory/availability?sku=OK-1@yesterday");
		const p = await expectRefused(404, "GET", "/inventory/availability?sku=OK-1&sku=GHOST-9");
		expect(p.detail).toContain("GHOST-9");
	});
});

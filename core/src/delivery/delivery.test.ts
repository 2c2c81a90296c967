import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { newId } from "@bazaar/ids";
import { tempDir } from "../testing/harness";
import { type DeliveryModule, openDelivery } from "./module";

// The delivery module on a real libSQL file: files, key pools, links that expire and count,
// keys never issued twice, refunds revoking both.

const LINK_SECRET = "delivery-test-link-secret-0123456789abcdef";
const EBOOK = "var_01EBOOK00000000000000000000";
const APP = "var_01APPKEY0000000000000000000";
const ALICE = "usr_01ALICE0000000000000000000";
const BOB = "usr_01BOB000000000000000000000";
const sha = "a".repeat(64);
const file = {
	objectKey: `files/${EBOOK}/${sha}`,
	fileName: "The Book.epub",
	contentType: "application/epub+zip",
	bytes: 1234,
	sha256: sha,
};

let mod: DeliveryModule;
const clock = { now: Date.now() };
beforeAll(async () => {
	mod = await openDelivery({
		url: `file:${join(tempDir("bazaar-delivery-"), "delivery.db")}`,
		linkSecret: LINK_SECRET,
		linkTtlMs: 3_600_000,
		maxDownloads: 2,
		now: () => clock.now,
	});
	await mod.registerFile(EBOOK, file, "usr_admin");
});
afterAll(async () => {
	await mod?.stop();
});

const tokenOf = (url: string) => url.replace(/^\/downloads\//, "");

async function paid(lines: { variantId: string; quantity: number; delivery: "download" | "license_key" }[]) {
	const orderId = newId("ord");
	const done = await mod.deliverOrder({
		orderId,
		customerId: ALICE,
		lines: lines.map((l) => ({ ...l, title: l.variantId === EBOOK ? "The Book" : "The App" })),
	});
	return { orderId, done };
}

describe("files", () => {
	test("the variant's file is recorded and replaced by a new upload; bad metadata is refused and changes nothing", async () => {
		expect(await mod.getFile(EBOOK)).toMatchObject({ ...file, variantId: EBOOK, uploadedBy: "usr_admin" });
		await expect(mod.registerFile(EBOOK, { ...file, contentType: "text/html" }, "x")).rejects.toThrow();
		await expect(mod.registerFile(EBOOK, { ...file, objectKey: "../etc/passwd" }, "x")).rejects.toThrow();
		await expect(mod.registerFile(EBOOK, { ...file, fileName: "<script>.pdf" }, "x")).rejects.toThrow();
		expect((await mod.getFile(EBOOK)).contentType).toBe("application/epub+zip");
		await expect(mod.getFile(APP)).rejects.toMatchObject({ status: 404 });
	});
});

describe("download links", () => {
	test("a paid download line gets one link (again on redelivery), which counts its downloads and stops at the limit", async () => {
		const { orderId, done } = await paid([{ variantId: EBOOK, quantity: 1, delivery: "download" }]);
		expect(done).toEqual({ complete: true, waiting: [] });
		expect(
			await mod.deliverOrder({
				orderId,
				customerId: ALICE,
				lines: [{ variantId: EBOOK, title: "The Book", quantity: 1, delivery: "download" }],
			}),
		).toEqual({ complete: true, waiting: [] });
		const got = await mod.orderDelivery(orderId, ALICE);
		expect(got.downloads).toHaveLength(1);
		const link = got.downloads[0]!;
		expect(link).toMatchObject({ fileName: "The Book.epub", maxDownloads: 2, downloads: 0, status: "active" });
		expect(link.url).toMatch(/^\/downloads\/dl_[0-9A-Z]{26}\.\d+\.[0-9a-f]{64}$/);
		const token = tokenOf(link.url);
		const { sha256: _, ...served } = file;
		expect(await mod.redeem({ token })).toEqual({ ...served, downloadsLeft: 1 });
		expect((await mod.redeem({ token })).downloadsLeft).toBe(0);
		await expect(mod.redeem({ token })).rejects.toMatchObject({ status: 410 });
		expect((await mod.orderDelivery(orderId)).downloads[0]).toMatchObject({ downloads: 2, status: "used_up" });
	});

	test("20 parallel downloads through a 2-download link: exactly 2 get the file", async () => {
		const { orderId } = await paid([{ variantId: EBOOK, quantity: 1, delivery: "download" }]);
		const token = tokenOf((await mod.orderDelivery(orderId)).downloads[0]!.url);
		const results = await Promise.allSettled(Array.from({ length: 20 }, () => mod.redeem({ token })));
		expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
		expect((await mod.orderDelivery(orderId)).downloads[0]?.downloads).toBe(2);
	});

	test("a link expires: refused at its expiry, shown expired", async () => {
		const { orderId } = await paid([{ variantId: EBOOK, quantity: 1, delivery: "download" }]);
		const token = tokenOf((await mod.orderDelivery(orderId)).downloads[0]!.url);
		const start = clock.now;
		clock.now = start + 3_600_000 + 1;
		try {
			await expect(mod.redeem({ token })).rejects.toMatchObject({ status: 410 });
			expect((await mod.orderDelivery(orderId)).downloads[0]?.status).toBe("expired");
		} finally {
			clock.now = start;
		}
		expect((await mod.orderDelivery(orderId)).downloads[0]?.downloads).toBe(0);
	});

	test("a forged, altered or malformed token is a 404 and counts nothing", async () => {
		const { orderId } = await paid([{ variantId: EBOOK, quantity: 1, delivery: "download" }]);
		const token = tokenOf((await mod.orderDelivery(orderId)).downloads[0]!.url);
		const [id, exp, mac] = token.split(".") as [string, string, string];
		for (const bad of [
			`${id}.${Number(exp) + 86_400}.${mac}`,
			`${id}.${exp}.${"0".repeat(64)}`,
			`${newId("dl")}.${exp}.${mac}`,
			"x",
			`${token}.extra`,
		]) {
			await expect(mod.redeem({ token: bad })).rejects.toMatchObject({ status: 404 });
		}
		await expect(mod.redeem({ token: "" })).rejects.toThrow();
		expect((await mod.orderDelivery(orderId)).downloads[0]?.downloads).toBe(0);
	});

	test("a download variant without a file waits; the line is delivered once the file is there", async () => {
		const LATE = "var_01LATEFILE000000000000000000";
		const { orderId, done } = await paid([{ variantId: LATE, quantity: 1, delivery: "download" }]);
		expect(done).toEqual({ complete: false, waiting: [{ variantId: LATE, why: "no file uploaded" }] });
		await mod.registerFile(LATE, { ...file, objectKey: `files/${LATE}/${sha}` }, "usr_admin");
		const again = await mod.deliverOrder({
			orderId,
			customerId: ALICE,
			lines: [{ variantId: LATE, title: "Late", quantity: 1, delivery: "download" }],
		});
		expect(again.complete).toBe(true);
	});
});

describe("licence keys", () => {
	test("uploads count each key once; a paid unit takes one key; redelivery takes no more", async () => {
		const up = await mod.addKeys(APP, { keys: ["KEY-0001", "KEY-0002", "KEY-0002", "KEY-0003"] });
		expect(up).toMatchObject({ added: 3, duplicates: 1, available: 3, issued: 0 });
		expect((await mod.addKeys(APP, { keys: ["KEY-0003"] })).added).toBe(0);
		await expect(mod.addKeys(APP, { keys: ["has space"] })).rejects.toThrow();
		await expect(mod.addKeys(APP, { keys: [] })).rejects.toThrow();
		const { orderId, done } = await paid([{ variantId: APP, quantity: 2, delivery: "license_key" }]);
		expect(done.complete).toBe(true);
		await paid([]); // nothing to deliver is fine
		await mod.deliverOrder({
			orderId,
			customerId: ALICE,
			lines: [{ variantId: APP, title: "The App", quantity: 2, delivery: "license_key" }],
		});
		const keys = (await mod.orderDelivery(orderId, ALICE)).keys;
		expect(keys).toHaveLength(2);
		expect(new Set(keys.map((k) => k.key)).size).toBe(2);
		expect(await mod.keyPool(APP)).toMatchObject({ available: 1, issued: 2 });
		// Someone else's order shows nothing.
		expect(await mod.orderDelivery(orderId, BOB)).toEqual({ orderId, downloads: [], keys: [] });
	});

	test("a short pool delivers what it has and says what waits", async () => {
		const POOR = "var_01POORPOOL000000000000000000";
		await mod.addKeys(POOR, { keys: ["ONLY-1"] });
		const { done } = await paid([{ variantId: POOR, quantity: 3, delivery: "license_key" }]);
		expect(done).toEqual({ complete: false, waiting: [{ variantId: POOR, why: "2 licence key(s) short" }] });
	});

	test("many orders at once on a small pool: no key is issued twice", async () => {
		const RACE = "var_01RACEPOOL000000000000000000";
		await mod.addKeys(RACE, { keys: Array.from({ length: 50 }, (_, i) => `RACE-${String(i).padStart(4, "0")}`) });
		const orders = Array.from({ length: 80 }, () => newId("ord"));
		const results = await Promise.all(
			orders.map((orderId) =>
				mod.deliverOrder({
					orderId,
					customerId: ALICE,
					lines: [{ variantId: RACE, title: "Race", quantity: 1, delivery: "license_key" }],
				}),
			),
		);
		expect(results.filter((r) => r.complete)).toHaveLength(50);
		const issued = (await Promise.all(orders.map((o) => mod.orderDelivery(o)))).flatMap((d) =>
			d.keys.map((k) => k.key),
		);
		expect(issued).toHaveLength(50);
		expect(new Set(issued).size).toBe(50);
		expect(await mod.keyPool(RACE)).toMatchObject({ available: 0, issued: 50 });
	});
});

describe("refunds", () => {
	test("revoking an order ends its links and marks its keys revoked (once); they never go back to the pool", async () => {
		const KEYS = "var_01REFUNDKEY0000000000000000";
		await mod.addKeys(KEYS, { keys: ["RF-1", "RF-2"] });
		const { orderId } = await paid([
			{ variantId: EBOOK, quantity: 1, delivery: "download" },
			{ variantId: KEYS, quantity: 1, delivery: "license_key" },
		]);
		const token = tokenOf((await mod.orderDelivery(orderId)).downloads[0]!.url);
		expect(await mod.revokeOrder(orderId)).toEqual({ links: 1, keys: 1 });
		expect(await mod.revokeOrder(orderId)).toEqual({ links: 0, keys: 0 });
		await expect(mod.redeem({ token })).rejects.toMatchObject({ status: 410 });
		const after = await mod.orderDelivery(orderId, ALICE);
		expect(after.downloads[0]?.status).toBe("revoked");
		expect(after.keys.map((k) => k.status)).toEqual(["revoked"]);
		expect(await mod.keyPool(KEYS)).toMatchObject({ available: 1, issued: 0, revoked: 1 });
	});
});

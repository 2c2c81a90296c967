import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DEFAULT_MARKETS, type MarketList } from "@bazaar/contracts/market";
import { busOutbox } from "../catalog/schema";
import { ADMIN, type Harness, harness, json, SHOPPER } from "../testing/harness";
import { catalogEventOf } from "../workflows/edge-push";

// The markets live in the catalog: a fresh shop has US/USD, Eurozone/EUR and UK/GBP (migration
// 0005); staff replace the list through the admin API, which is a catalog write (the version
// moves and catalog.markets.updated goes to the edge with it). Shoppers read it cached.

let h: Harness;
beforeAll(async () => {
	h = await harness();
});
afterAll(() => h?.close());

const version = async () => (await json<{ version: number }>(await h.call("GET", "/catalog/version"))).version;

describe("markets", () => {
	test("a fresh catalog has the default markets, public and cached", async () => {
		const res = await h.call("GET", "/catalog/markets");
		expect(res.status).toBe(200);
		expect(res.headers.get("etag")).toBeTruthy();
		const list = await json<MarketList>(res);
		expect(list).toEqual(DEFAULT_MARKETS);
		expect(list.items.map((m) => `${m.code}/${m.currency}`)).toEqual(["us/USD", "eu/EUR", "uk/GBP"]);
	});

	test("staff replace the list: the version moves, the event goes out, readers see it", async () => {
		const before = await version();
		const list: MarketList = {
			defaultCode: "us",
			items: [
				...DEFAULT_MARKETS.items,
				{ code: "jp", name: "Japan", currency: "JPY", locale: "ja-JP", hreflang: "ja-JP", countries: ["JP"] },
			],
		};
		const res = await h.call("PUT", "/catalog/admin/markets", { caller: ADMIN, body: list });
		expect(res.status).toBe(200);
		expect(await version()).toBe(before + 1);
		const rows = await h.mod.catalog.database.db.select().from(busOutbox).orderBy(busOutbox.seq);
		const last = catalogEventOf(JSON.parse((rows.at(-1) as { payload: string }).payload));
		expect(last).toMatchObject({ type: "catalog.markets.updated", version: before + 1 });
		expect(await json<MarketList>(await h.call("GET", "/catalog/markets"))).toEqual(list);

		// The same list again is no change: no new version.
		await h.call("PUT", "/catalog/admin/markets", { caller: ADMIN, body: list });
		expect(await version()).toBe(before + 1);
		await h.call("PUT", "/catalog/admin/markets", { caller: ADMIN, body: DEFAULT_MARKETS });
	});

	test("only staff may change them; a bad list is a 400 problem and changes nothing", async () => {
		const before = await version();
		expect((await h.call("PUT", "/catalog/admin/markets", { caller: SHOPPER, body: DEFAULT_MARKETS })).status).toBe(
			403,
		);
		const bad = [
			{ ...DEFAULT_MARKETS, defaultCode: "mars" },
			{ defaultCode: "us", items: [] },
			{ ...DEFAULT_MARKETS, items: [{ ...DEFAULT_MARKETS.items[0], currency: "dollars" }] },
			{ ...DEFAULT_MARKETS, items: [...DEFAULT_MARKETS.items, { ...DEFAULT_MARKETS.items[1], code: "ie" }] },
			{ ...DEFAULT_MARKETS, items: [...DEFAULT_MARKETS.items, DEFAULT_MARKETS.items[0]] },
			{ ...DEFAULT_MARKETS, items: [{ ...DEFAULT_MARKETS.items[0], locale: "not a locale" }] },
		];
		for (const body of bad) {
			const res = await h.call("PUT", "/catalog/admin/markets", { caller: ADMIN, body });
			expect(res.status).toBe(400);
			expect(res.headers.get("content-type")).toContain("application/problem+json");
		}
		expect(await version()).toBe(before);
		expect(await json<MarketList>(await h.call("GET", "/catalog/markets"))).toEqual(DEFAULT_MARKETS);
	});
});

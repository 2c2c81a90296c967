import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Activity, PromotionSnapshot, Rule } from "@bazaar/contracts/promotion";
import { json } from "../testing/harness";
import { ALICE, type PromotionHarness, promotionHarness } from "./testing/fixtures";
import { zonedToUtcMs } from "./zoned-time";

// Activities and rules through the admin API as the edge calls it: schedules in a time zone,
// state from the clock, every change versioned and on the bus, bad input refused with nothing
// changed, and pricing that follows the clock (a start and an end take effect on time).

let h: PromotionHarness;
beforeAll(async () => {
	h = await promotionHarness(Date.parse("2026-11-10T12:00:00Z"));
});
afterAll(() => h.close());

const ELEVEN = {
	slug: "eleven-eleven",
	name: "11.11",
	badge: "11.11",
	bannerText: "The year's biggest sale",
	timeZone: "Asia/Shanghai",
	startsAt: "2026-11-11T00:00",
	endsAt: "2026-11-12T00:00",
};

describe("time zones", () => {
	test("wall-clock times in an IANA zone, summer time included", () => {
		expect(new Date(zonedToUtcMs("2026-11-11T00:00", "Asia/Shanghai")).toISOString()).toBe("2026-11-10T16:00:00.000Z");
		expect(new Date(zonedToUtcMs("2026-07-01T09:30:00", "America/New_York")).toISOString()).toBe(
			"2026-07-01T13:30:00.000Z",
		);
		expect(new Date(zonedToUtcMs("2026-12-01T09:30", "America/New_York")).toISOString()).toBe(
			"2026-12-01T14:30:00.000Z",
		);
		// 02:30 does not exist on 8 March 2026 in New York: it moves forward to 03:30 EDT.
		expect(new Date(zonedToUtcMs("2026-03-08T02:30", "America/New_York")).toISOString()).toBe(
			"2026-03-08T07:30:00.000Z",
		);
	});
});

describe("activities", () => {
	let activity: Activity;
	let rule: Rule;

	test("created with its schedule in UTC and its state from the clock", async () => {
		const res = await h.call("POST", "/promotion/admin/activities", { body: ELEVEN });
		expect(res.status).toBe(201);
		activity = await json<Activity>(res);
		expect(activity).toMatchObject({
			slug: "eleven-eleven",
			startsAt: "2026-11-10T16:00:00.000Z",
			endsAt: "2026-11-11T16:00:00.000Z",
			startsAtLocal: "2026-11-11T00:00:00",
			state: "scheduled",
			enabled: true,
			rules: [],
		});
		expect(await h.outbox()).toEqual(["promotion.activity.created"]);
	});

	test("a rule is added, labelled, versioned and on the bus", async () => {
		const res = await h.call("POST", `/promotion/admin/activities/${activity.id}/rules`, {
			body: { spec: { kind: "percent_off", percentBp: 2000, target: { scope: "shop" } } },
		});
		expect(res.status).toBe(201);
		rule = await json<Rule>(res);
		expect(rule).toMatchObject({ label: "20% off", couponOnly: false, priority: 0 });
		expect((await h.outbox()).at(-1)).toBe("promotion.rule.created");
		const snap = await json<PromotionSnapshot>(await h.call("GET", "/promotion/public/snapshot", { caller: ALICE }));
		expect(snap.version).toBe(3);
		expect(snap.activities[0]).toMatchObject({
			slug: "eleven-eleven",
			wholeShop: true,
			coverCurrencies: null,
			offers: ["20% off"],
		});
	});

	test("an activity whose rules are amounts in one currency says so: its badge shows only there", async () => {
		const usd = await json<Activity>(
			await h.call("POST", "/promotion/admin/activities", {
				body: { ...ELEVEN, slug: "dollar-days", name: "Dollar days" },
			}),
		);
		const res = await h.call("POST", `/promotion/admin/activities/${usd.id}/rules`, {
			body: {
				spec: {
					kind: "amount_off",
					amount: 500,
					currency: "USD",
					target: { scope: "products", productIds: ["prd_x"] },
				},
			},
		});
		expect(res.status).toBe(201);
		const snap = await json<PromotionSnapshot>(await h.call("GET", "/promotion/public/snapshot", { caller: ALICE }));
		expect(snap.activities.find((a) => a.slug === "dollar-days")).toMatchObject({
			productIds: ["prd_x"],
			coverCurrencies: ["USD"],
		});
		expect((await h.call("DELETE", `/promotion/admin/activities/${usd.id}`)).status).toBeLessThan(300);
	});

	test("prices follow the clock: nothing before the start, the rule while running, nothing after the end", async () => {
		const lines = [{ key: "v", variantId: "v", productId: "p", categoryId: null, unitPrice: 10_000, quantity: 1 }];
		const price = () => h.mod.price({ currency: "USD", lines, customerId: null, couponCode: null });
		h.clock.now = Date.parse("2026-11-10T15:59:59Z");
		expect((await price()).discount).toBe(0);
		h.clock.now = Date.parse("2026-11-10T16:00:00Z");
		expect((await price()).discount).toBe(2000);
		expect((await h.mod.getActivity(activity.id)).state).toBe("running");
		h.clock.now = Date.parse("2026-11-11T16:00:00Z");
		expect((await price()).discount).toBe(0);
		expect((await h.mod.getActivity(activity.id)).state).toBe("ended");
		h.clock.now = Date.parse("2026-11-10T20:00:00Z");
	});

	test("a paused activity applies nowhere; its rules can be replaced and deleted", async () => {
		const paused = await json<Activity>(
			await h.call("PATCH", `/promotion/admin/activities/${activity.id}`, { body: { enabled: false } }),
		);
		expect(paused.state).toBe("disabled");
		const lines = [{ key: "v", variantId: "v", productId: "p", categoryId: null, unitPrice: 1000, quantity: 1 }];
		expect((await h.mod.price({ currency: "USD", lines, customerId: null, couponCode: null })).discount).toBe(0);
		await h.call("PATCH", `/promotion/admin/activities/${activity.id}`, { body: { enabled: true } });

		const replaced = await h.call("PUT", `/promotion/admin/rules/${rule.id}`, {
			body: { label: "Half price", spec: { kind: "percent_off", percentBp: 5000, target: { scope: "shop" } } },
		});
		expect(replaced.status).toBe(200);
		expect((await h.mod.price({ currency: "USD", lines, customerId: null, couponCode: null })).discount).toBe(500);
		expect((await h.call("DELETE", `/promotion/admin/rules/${rule.id}`)).status).toBe(204);
		expect((await h.call("DELETE", `/promotion/admin/rules/${rule.id}`)).status).toBe(404);
		expect((await h.mod.price({ currency: "USD", lines, customerId: null, couponCode: null })).discount).toBe(0);
	});

	test("bad input of every kind is a 4xx and changes nothing", async () => {
		const before = {
			events: (await h.outbox()).length,
			activities: await h.count("activities"),
			rules: await h.count("rules"),
		};
		const bad: [string, string, unknown, number][] = [
			["POST", "/promotion/admin/activities", { ...ELEVEN, slug: "other", timeZone: "Mars/Olympus" }, 400],
			["POST", "/promotion/admin/activities", { ...ELEVEN, slug: "other", endsAt: "2026-11-10T00:00" }, 400],
			["POST", "/promotion/admin/activities", { ...ELEVEN, slug: "other", startsAt: "2026-13-01T00:00" }, 400],
			["POST", "/promotion/admin/activities", { ...ELEVEN }, 409],
			["POST", "/promotion/admin/activities", { ...ELEVEN, slug: "Bad Slug" }, 400],
			["POST", "/promotion/admin/activities", { ...ELEVEN, slug: "other", extra: 1 }, 400],
			["POST", "/promotion/admin/activities", "not json", 400],
			["PATCH", `/promotion/admin/activities/${activity.id}`, {}, 400],
			["PATCH", "/promotion/admin/activities/act_nope", { name: "x" }, 404],
			[
				"POST",
				`/promotion/admin/activities/${activity.id}/rules`,
				{ spec: { kind: "percent_off", percentBp: 0, target: { scope: "shop" } } },
				400,
			],
			[
				"POST",
				`/promotion/admin/activities/${activity.id}/rules`,
				{ spec: { kind: "percent_off", percentBp: 10_001, target: { scope: "shop" } } },
				400,
			],
			[
				"POST",
				`/promotion/admin/activities/${activity.id}/rules`,
				{ spec: { kind: "amount_off", amount: 1.5, currency: "USD", target: { scope: "shop" } } },
				400,
			],
			[
				"POST",
				`/promotion/admin/activities/${activity.id}/rules`,
				{
					spec: {
						kind: "tiered",
						currency: "USD",
						tiers: [
							{ minSpend: 100, off: 10 },
							{ minSpend: 50, off: 5 },
						],
						target: { scope: "shop" },
					},
				},
				400,
			],
			[
				"POST",
				`/promotion/admin/activities/${activity.id}/rules`,
				{ spec: { kind: "free_shipping", minSpend: 100 } },
				400,
			],
			["POST", `/promotion/admin/activities/${activity.id}/rules`, { spec: { kind: "teleport" } }, 400],
			[
				"POST",
				"/promotion/admin/activities/act_01AAAAAAAAAAAAAAAAAAAAAAAA/rules",
				{ spec: { kind: "free_shipping" } },
				404,
			],
			["PUT", "/promotion/admin/rules/rul_01AAAAAAAAAAAAAAAAAAAAAAAA", { spec: { kind: "free_shipping" } }, 404],
		];
		for (const [method, path, body, status] of bad) {
			const res = await h.call(method, path, { body });
			expect({ path, body, status: res.status }).toEqual({ path, body, status });
			expect(res.headers.get("content-type")).toContain("application/problem+json");
		}
		expect((await h.call("GET", "/promotion/admin/activities", { caller: ALICE })).status).toBe(403);
		expect(
			(await h.call("POST", "/promotion/admin/activities", { body: { ...ELEVEN, slug: "x" }, caller: ALICE })).status,
		).toBe(403);
		expect({
			events: (await h.outbox()).length,
			activities: await h.count("activities"),
			rules: await h.count("rules"),
		}).toEqual(before);
	});

	test("deleted: gone from admins, the storefront and pricing", async () => {
		expect((await h.call("DELETE", `/promotion/admin/activities/${activity.id}`)).status).toBe(204);
		expect((await h.call("GET", `/promotion/admin/activities/${activity.id}`)).status).toBe(404);
		expect((await h.call("GET", "/promotion/public/activities/eleven-eleven", { caller: ALICE })).status).toBe(404);
		expect((await h.call("DELETE", `/promotion/admin/activities/${activity.id}`)).status).toBe(404);
		expect((await h.outbox()).at(-1)).toBe("promotion.activity.deleted");
	});
});

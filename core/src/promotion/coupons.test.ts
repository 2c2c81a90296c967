import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Activity, Coupon } from "@bazaar/contracts/promotion";
import { handleOnce } from "../bus";
import type { ServiceError } from "../lib/errors";
import { json } from "../testing/harness";
import { CouponUnavailableError } from "./redeem-coupon";
import { ALICE, type PromotionHarness, promotionHarness } from "./testing/fixtures";

// Coupons on real parts: atomic redemption under a race, per-customer limits, minimum spend,
// validity windows, one answer for every unusable code, rate-limited attempts, the give-back
// (once, however often the event comes), and bad input refused with nothing changed.

let h: PromotionHarness;
let activity: Activity;
beforeAll(async () => {
	h = await promotionHarness(Date.parse("2026-11-11T12:00:00Z"));
	activity = await json<Activity>(
		await h.call("POST", "/promotion/admin/activities", {
			body: {
				slug: "singles-day",
				name: "Singles' Day",
				badge: "11.11",
				timeZone: "Asia/Shanghai",
				startsAt: "2026-11-11T00:00",
				endsAt: "2026-11-12T00:00",
			},
		}),
	);
	await h.call("POST", `/promotion/admin/activities/${activity.id}/rules`, {
		body: { couponOnly: true, spec: { kind: "percent_off", percentBp: 1000, target: { scope: "shop" } } },
	});
});
afterAll(() => h.close());

const coupon = async (body: Record<string, unknown>) => {
	const res = await h.call("POST", "/promotion/admin/coupons", { body: { activityId: activity.id, ...body } });
	expect(res.status).toBe(201);
	return json<Coupon>(res);
};
const customer = (i: number) => `usr_01C${String(i).padStart(25, "0")}`;
const order = (i: number) => `ord_01O${String(i).padStart(23, "0")}`;
const redeem = (code: string, i: number, goodsTotal = 10_000) =>
	h.mod.redeem({ code, customerId: customer(i), orderId: order(i), goodsTotal, currency: "USD" });
/** The error a call fails with (the test fails if it succeeds). */
const failure = (p: Promise<unknown>) =>
	p.then(
		() => {
			throw new Error("expected a refusal");
		},
		(e: ServiceError) => e,
	);
const lines = [{ key: "v", variantId: "v", productId: "p", categoryId: null, unitPrice: 10_000, quantity: 1 }];

describe("redemption", () => {
	test("50 concurrent redemptions of a single-use code: exactly one", async () => {
		const single = await coupon({ code: "ONLY-ONE", maxRedemptions: 1 });
		const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => redeem(single.code, i)));
		const won = results.filter((r) => r.status === "fulfilled");
		expect(won).toHaveLength(1);
		for (const r of results) {
			if (r.status === "rejected") expect(r.reason).toBeInstanceOf(CouponUnavailableError);
		}
		expect((await h.mod.getCoupon(single.id)).redeemed).toBe(1);
		expect(await h.count("redemptions", `coupon_id = '${single.id}'`)).toBe(1);
		// Idempotent per order: the winner's retry gets its redemption again, nothing more.
		const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof redeem>>>).value;
		const i = Number(winner.orderId.slice(-3));
		expect((await redeem(single.code, i)).id).toBe(winner.id);
		expect((await h.mod.getCoupon(single.id)).redeemed).toBe(1);
	});

	test("a multi-use code with a limit: exactly that many, racing", async () => {
		const multi = await coupon({ code: "FIRST-TEN", maxRedemptions: 10, perCustomerLimit: null });
		const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => redeem(multi.code, 100 + i)));
		expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(10);
		expect((await h.mod.getCoupon(multi.id)).redeemed).toBe(10);
	});

	test("per-customer limit, minimum spend and an unlimited code", async () => {
		const twice = await coupon({
			code: "TWICE-EACH",
			maxRedemptions: null,
			perCustomerLimit: 2,
			minSpend: { amount: 5_000, currency: "USD" },
		});
		const alice = (orderNo: number, goodsTotal = 10_000) =>
			h.mod.redeem({
				code: twice.code,
				customerId: customer(900),
				orderId: order(900 + orderNo),
				goodsTotal,
				currency: "USD",
			});
		await alice(1);
		await alice(2);
		await expect(alice(3)).rejects.toThrow("already used");
		await expect(redeem(twice.code, 950, 4_999)).rejects.toThrow("minimum spend");
		// Pricing says the same before checkout.
		const priced = await h.mod.price({ currency: "USD", lines, customerId: customer(900), couponCode: "twice-each" });
		expect(priced.coupon).toEqual({
			code: "TWICE-EACH",
			status: "not_applicable",
			message: "You have already used this code.",
		});
		const small = await h.mod.price({
			currency: "USD",
			lines: [{ ...lines[0], unitPrice: 100 } as (typeof lines)[number]],
			customerId: customer(951),
			couponCode: "TWICE-EACH",
		});
		expect(small.coupon?.status).toBe("not_applicable");
		expect(small.discount).toBe(0);
		const ok = await h.mod.price({ currency: "USD", lines, customerId: customer(951), couponCode: "TWICE-EACH" });
		expect(ok.coupon?.status).toBe("applied");
		expect(ok.discount).toBe(1_000);
		expect(ok.lines[0]?.discounts[0]?.couponCode).toBe("TWICE-EACH");
	});

	test("the validity window and the activity's: outside either, the code is not valid", async () => {
		const windowed = await coupon({
			code: "LATE-NIGHT",
			maxRedemptions: null,
			startsAt: "2026-11-11T20:00:00+08:00",
			endsAt: "2026-11-11T22:00:00+08:00",
		});
		const at = (iso: string) => {
			h.clock.now = Date.parse(iso);
			return h.mod.price({ currency: "USD", lines, customerId: null, couponCode: windowed.code });
		};
		expect((await at("2026-11-11T11:59:59Z")).coupon?.status).toBe("invalid");
		expect((await at("2026-11-11T12:00:00Z")).coupon?.status).toBe("applied");
		expect((await at("2026-11-11T14:00:00Z")).coupon?.status).toBe("invalid");
		await expect(redeem(windowed.code, 960)).rejects.toBeInstanceOf(CouponUnavailableError);
		h.clock.now = Date.parse("2026-11-11T12:30:00Z");
		await redeem(windowed.code, 961);
		// The activity paused: its coupons stop too.
		await h.call("PATCH", `/promotion/admin/activities/${activity.id}`, { body: { enabled: false } });
		expect(
			(await h.mod.price({ currency: "USD", lines, customerId: null, couponCode: windowed.code })).coupon?.status,
		).toBe("invalid");
		await h.call("PATCH", `/promotion/admin/activities/${activity.id}`, { body: { enabled: true } });
	});
});

describe("codes are not enumerable", () => {
	test("unknown, expired, disabled and used-up codes get the same 422 answer", async () => {
		h.clock.now = Date.parse("2026-11-11T12:30:00Z");
		const disabled = await coupon({ code: "SWITCHED-OFF", enabled: false });
		const answers = new Set<string>();
		for (const [i, code] of [
			"NO-SUCH-CODE",
			"LATE-NIGHT-X",
			"SWITCHED-OFF",
			"ONLY-ONE",
			"!!",
			"x".repeat(64),
		].entries()) {
			const err = await failure(h.mod.checkCoupon(code, { subject: `guest:${i}`, ip: null }));
			answers.add(`${err.status} ${err.message}`);
		}
		expect([...answers]).toEqual(["422 This code is not valid."]);
		expect(disabled.enabled).toBe(false);
	});

	test("attempts are rate limited per shopper and per address; a code that works costs nothing", async () => {
		const attempt = { subject: "customer:usr_01GUESSER00000000000000000", ip: "203.0.113.9" };
		for (let i = 0; i < 10; i++) await h.mod.checkCoupon("TWICE-EACH", attempt);
		const statuses: number[] = [];
		for (let i = 0; i < 11; i++) {
			statuses.push((await failure(h.mod.checkCoupon(`GUESS-${i}`, attempt))).status);
		}
		expect(statuses.slice(0, 10)).toEqual(Array(10).fill(422));
		expect(statuses[10]).toBe(429);
		// Even the right code waits now: a guesser cannot tell a hit by the answer.
		const late = await h.mod
			.checkCoupon("TWICE-EACH", attempt)
			.catch((e: { status: number; headers: Record<string, string> }) => e);
		expect((late as { status: number }).status).toBe(429);
		expect(Number((late as { headers: Record<string, string> }).headers["retry-after"])).toBeGreaterThan(0);
		// Another shopper from the same address still has tokens (the address bucket holds 30).
		expect((await h.mod.checkCoupon("TWICE-EACH", { ...attempt, subject: "guest:other" })).status).toBe("applied");
		// The buckets refill with time.
		h.clock.now += 10 * 60_000;
		expect((await h.mod.checkCoupon("TWICE-EACH", attempt)).status).toBe("applied");
	});
});

describe("give-back", () => {
	test("an expired or cancelled order's redemption comes back once, however often the event is delivered", async () => {
		const single = await coupon({ code: "GIVE-BACK", maxRedemptions: 1 });
		await redeem(single.code, 700);
		await expect(redeem(single.code, 701)).rejects.toBeInstanceOf(CouponUnavailableError);
		const deliver = () =>
			handleOnce(h.mod.context.database, "evt_01EXPIRED00000000000000000", (tx) =>
				h.mod.releaseForOrderIn(tx, order(700), "order expired"),
			);
		const first = await deliver();
		expect(first.applied && first.result?.status).toBe("released");
		expect((await deliver()).applied).toBe(false);
		// Another event for the same order (cancelled after expired): nothing more to give back.
		const other = await handleOnce(h.mod.context.database, "evt_01CANCELLED000000000000000", (tx) =>
			h.mod.releaseForOrderIn(tx, order(700), "order cancelled"),
		);
		expect(other.applied && other.result).toBeNull();
		expect((await h.mod.getCoupon(single.id)).redeemed).toBe(0);
		expect((await h.outbox()).filter((t) => t === "promotion.coupon.released")).toHaveLength(1);
		// The code works again for someone else.
		await redeem(single.code, 702);
		expect((await h.mod.getCoupon(single.id)).redeemed).toBe(1);
		// The expired order is paid late after all (revived): its code is used up by order 702 now,
		// so it keeps its discount without taking a second redemption.
		const late = await handleOnce(h.mod.context.database, "evt_01PAIDLATE00000000000000000", (tx) =>
			h.mod.reholdForOrderIn(tx, order(700)),
		);
		expect(late.applied && late.result).toBe("used_up");
		expect((await h.mod.getCoupon(single.id)).redeemed).toBe(1);
	});

	test("an expired order paid late takes its redemption again when the code has room", async () => {
		const multi = await coupon({ code: "ROOM-FOR-TWO", maxRedemptions: 2, perCustomerLimit: null });
		await redeem(multi.code, 800);
		await h.mod.releaseForOrder(order(800), "order expired");
		expect((await h.mod.getCoupon(multi.id)).redeemed).toBe(0);
		const paid = await handleOnce(h.mod.context.database, "evt_01REVIVED000000000000000000", (tx) =>
			h.mod.reholdForOrderIn(tx, order(800)),
		);
		expect(paid.applied && paid.result).toBe("held");
		expect((await h.mod.getCoupon(multi.id)).redeemed).toBe(1);
		const [again] = await h.mod.listRedemptions(multi.id);
		expect(again).toMatchObject({ orderId: order(800), status: "held", releasedAt: null });
		// Any other paid order: nothing to take again.
		const plain = await handleOnce(h.mod.context.database, "evt_01PLAINPAID0000000000000000", (tx) =>
			h.mod.reholdForOrderIn(tx, order(801)),
		);
		expect(plain.applied && plain.result).toBe("none");
	});
});

describe("admin", () => {
	test("coupons are listed, changed and their redemptions read; bad input is a 4xx that changes nothing", async () => {
		const list = await json<{ items: Coupon[] }>(
			await h.call("GET", `/promotion/admin/coupons?activityId=${activity.id}`),
		);
		expect(list.items.length).toBeGreaterThan(3);
		const one = list.items.find((c) => c.code === "FIRST-TEN") as Coupon;
		const before = { events: (await h.outbox()).length, coupons: await h.count("coupons") };
		const bad: [string, string, unknown, number][] = [
			["POST", "/promotion/admin/coupons", { activityId: activity.id, code: "ONLY-ONE" }, 409],
			["POST", "/promotion/admin/coupons", { activityId: activity.id, code: "a b" }, 400],
			["POST", "/promotion/admin/coupons", { activityId: activity.id, maxRedemptions: 0 }, 400],
			["POST", "/promotion/admin/coupons", { activityId: activity.id, minSpend: { amount: -1, currency: "USD" } }, 400],
			[
				"POST",
				"/promotion/admin/coupons",
				{ activityId: activity.id, startsAt: "2026-11-12T00:00:00Z", endsAt: "2026-11-11T00:00:00Z" },
				400,
			],
			["POST", "/promotion/admin/coupons", { activityId: "act_01AAAAAAAAAAAAAAAAAAAAAAAA" }, 404],
			["POST", "/promotion/admin/coupons", { activityId: "nope" }, 400],
			["PATCH", `/promotion/admin/coupons/${one.id}`, { maxRedemptions: 3 }, 409],
			["PATCH", `/promotion/admin/coupons/${one.id}`, { code: "RENAMED" }, 400],
			["PATCH", "/promotion/admin/coupons/cpn_01AAAAAAAAAAAAAAAAAAAAAAAA", { enabled: false }, 404],
			["GET", "/promotion/admin/coupons/cpn_bad/redemptions", undefined, 404],
		];
		for (const [method, path, body, status] of bad) {
			const res = await h.call(method, path, body === undefined ? {} : { body });
			expect({ path, body, status: res.status }).toEqual({ path, body, status });
		}
		expect((await h.call("GET", "/promotion/admin/coupons", { caller: ALICE })).status).toBe(403);
		expect({ events: (await h.outbox()).length, coupons: await h.count("coupons") }).toEqual(before);

		const changed = await json<Coupon>(
			await h.call("PATCH", `/promotion/admin/coupons/${one.id}`, { body: { maxRedemptions: 20 } }),
		);
		expect(changed.maxRedemptions).toBe(20);
		expect((await h.outbox()).at(-1)).toBe("promotion.coupon.updated");
		const redemptions = await json<{ items: unknown[] }>(
			await h.call("GET", `/promotion/admin/coupons/${one.id}/redemptions`),
		);
		expect(redemptions.items).toHaveLength(10);
	});
});

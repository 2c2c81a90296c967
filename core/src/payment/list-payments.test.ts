import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Payment, PaymentList, ReconciliationRunList } from "@bazaar/contracts/payment";
import { ulid } from "@bazaar/ids";
import { json } from "../testing/harness";
import { reconcile } from "./reconcile";
import { type PaymentHarness, paymentHarness, paymentRequest, SHOPPER } from "./testing/fixtures";

// The staff lists of the payment module: every payment newest first (by status, gateway, order)
// with its refunds, and the reconciliation runs, both through the shared cursor; admins only.

const ADMIN = { user: "usr_01ADMIN000000000000000000", roles: ["admin"] };
let h: PaymentHarness;
let now = Date.parse("2026-11-11T00:00:00.000Z");
/** Oldest first; the second is declined on the sandbox's page. */
const made: Payment[] = [];
beforeAll(async () => {
	h = await paymentHarness({ now: () => now });
	for (let i = 0; i < 3; i++) {
		now += 60_000;
		const res = await h.call("POST", "/payment/payments", { body: paymentRequest(`ord_${ulid()}`, 1000 + i) });
		expect(res.status).toBe(201);
		made.push(Payment.parse(await json(res)));
	}
	expect((await h.decide(made[1]?.redirectUrl as string, "decline")).status).toBe(200);
	await h.webhooksSent();
	for (const trigger of ["schedule", "admin", "schedule"] as const) {
		now += 60_000;
		await reconcile(h.payments.context, { olderThanMs: 0, trigger });
	}
});
afterAll(() => h?.close());

const get = async <T>(schema: { parse(v: unknown): T }, path: string, caller = ADMIN) => {
	const res = await h.call("GET", path, { caller });
	expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
	return schema.parse(await json(res));
};
/** The ids of the payments made `at` these positions (oldest first). */
const at = (...i: number[]) => i.map((n) => made[n]?.id as string);
const ids = async (qs: string) => (await get(PaymentList, `/payment/admin/payments?${qs}`)).items.map((p) => p.id);

describe("GET /payment/admin/payments", () => {
	test("pages newest first over more than one page, each with its refunds", async () => {
		const first = await get(PaymentList, "/payment/admin/payments?limit=2");
		expect(first.items.map((p) => p.id)).toEqual(at(2, 1));
		expect(first.items[0]?.refunds).toEqual([]);
		const second = await get(PaymentList, `/payment/admin/payments?limit=2&cursor=${first.nextCursor}`);
		expect(second.items.map((p) => p.id)).toEqual(at(0));
		expect(second.nextCursor).toBeNull();
	});

	test("filters by status, gateway and order", async () => {
		expect(await ids("status=failed")).toEqual(at(1));
		expect(await ids("status=requires_action")).toEqual(at(2, 0));
		expect(await ids("gateway=sandbox")).toHaveLength(3);
		expect(await ids("gateway=stripe")).toEqual([]);
		expect(await ids(`orderId=${made[0]?.orderId}`)).toEqual(at(0));
	});

	test("bad limits, cursors and filters are 400 problems; only admins and services read it", async () => {
		for (const qs of ["limit=0", "limit=101", "cursor=abc", "status=lost", "gateway=NO", "orderId=ord_x", "q=1"]) {
			const res = await h.call("GET", `/payment/admin/payments?${qs}`, { caller: ADMIN });
			expect(res.status, qs).toBe(400);
			expect(res.headers.get("content-type")).toBe("application/problem+json");
		}
		for (const roles of [["support_agent"], ["catalog_manager"], ["customer"]]) {
			const caller = { user: SHOPPER.user, roles };
			expect((await h.call("GET", "/payment/admin/payments", { caller })).status).toBe(403);
			expect((await h.call("GET", "/payment/admin/reconciliation-runs", { caller })).status).toBe(403);
		}
	});
});

describe("GET /payment/admin/reconciliation-runs", () => {
	test("pages the runs newest first, by what started them", async () => {
		const first = await get(ReconciliationRunList, "/payment/admin/reconciliation-runs?limit=2");
		expect(first.items.map((r) => r.trigger)).toEqual(["schedule", "admin"]);
		const rest = await get(
			ReconciliationRunList,
			`/payment/admin/reconciliation-runs?limit=2&cursor=${first.nextCursor}`,
		);
		expect(rest.items.map((r) => r.trigger)).toEqual(["schedule"]);
		expect(rest.nextCursor).toBeNull();
		const admin = await get(ReconciliationRunList, "/payment/admin/reconciliation-runs?trigger=admin");
		expect(admin.items.map((r) => r.id)).toEqual([first.items[1]?.id as string]);
		for (const qs of ["limit=500", "trigger=cron", "cursor=%3D"]) {
			expect((await h.call("GET", `/payment/admin/reconciliation-runs?${qs}`, { caller: ADMIN })).status).toBe(400);
		}
	});
});

import { toPage } from "@bazaar/contracts/list";
import {
	ReconcileLine,
	type ReconciliationRun,
	type ReconciliationRunList,
	ReconciliationRunQuery,
} from "@bazaar/contracts/payment";
import { newId } from "@bazaar/ids";
import { and, desc, eq, sql } from "drizzle-orm";
import { olderThan } from "../lib/keyset";
import { iso, type PaymentContext } from "./context";
import { eventFromStatus } from "./gateway";
import { applyGatewayEvent } from "./handle-webhook";
import { PAYMENT_COLUMNS, type PaymentRecord } from "./records";
import { reconciliationRuns } from "./schema";

// Webhooks get lost (an endpoint down for an hour, a misconfigured secret). Reconciliation asks
// each gateway about payments still waiting after a grace period and applies its answer through
// the same path a webhook takes, under a synthetic event id per payment and outcome, so a webhook
// arriving later (or a second run) is a duplicate, never a second change. Payments the gateway
// still calls open are left alone: the order's own expiry gives their stock back, and a success
// reported after that is recorded all the same (money taken is never ignored).

export interface ReconcileOptions {
	/** Only payments created longer ago than this are asked about (the webhook had its chance). */
	olderThanMs: number;
	/** How many payments one run looks at, oldest first. */
	limit?: number;
	trigger?: "schedule" | "admin";
}

export async function reconcile(ctx: PaymentContext, options: ReconcileOptions): Promise<ReconciliationRun> {
	const started = ctx.now();
	const cutoff = iso(started - options.olderThanMs);
	const waiting = await ctx.database.db.all<PaymentRecord>(sql`SELECT ${PAYMENT_COLUMNS} FROM payments
		WHERE status IN ('created', 'requires_action') AND created_at < ${cutoff}
		ORDER BY created_at LIMIT ${options.limit ?? 100}`);
	const details: ReconcileLine[] = [];
	for (const p of waiting) {
		const line = { paymentId: p.id, gateway: p.gateway };
		const gateway = ctx.gateways.get(p.gateway);
		if (!gateway) {
			details.push({ ...line, outcome: "error", detail: `gateway ${p.gateway} is not enabled` });
			continue;
		}
		try {
			const answer = await gateway.getStatus(p.reference);
			const event = eventFromStatus(answer, {
				idPrefix: `reconcile:${p.id}`,
				reference: p.reference,
				paymentId: p.id,
				failureReason: "Reported failed by the gateway (reconciliation).",
				occurredAt: iso(ctx.now()),
			});
			if (!event) {
				details.push({ ...line, outcome: "still_pending", detail: "the gateway still waits for the shopper" });
				continue;
			}
			const result = await applyGatewayEvent(ctx, p.gateway, event);
			details.push({ ...line, outcome: "settled", detail: `${answer.status} (${result.outcome})` });
		} catch (err) {
			// One gateway's outage must not stop the run; the next run asks again.
			details.push({ ...line, outcome: "error", detail: err instanceof Error ? err.message.slice(0, 300) : "error" });
		}
	}
	const run: ReconciliationRun = {
		id: newId("rec"),
		trigger: options.trigger ?? "schedule",
		startedAt: iso(started),
		finishedAt: iso(ctx.now()),
		checked: waiting.length,
		settled: details.filter((d) => d.outcome === "settled").length,
		stillPending: details.filter((d) => d.outcome === "still_pending").length,
		errors: details.filter((d) => d.outcome === "error").length,
		details,
	};
	// Quiet runs (nothing waiting) are not worth a row every minute.
	if (run.checked > 0 || run.trigger === "admin") {
		await ctx.database.write((tx) =>
			tx.insert(reconciliationRuns).values({ ...run, details: JSON.stringify(details) }),
		);
	}
	if (run.errors > 0) console.warn(`[payment] reconciliation ${run.id}: ${run.errors} payment(s) could not be checked`);
	return run;
}

/** The runs newest first, a page at a time (keyset on (started_at, id)), optionally by what started them. */
export async function listReconciliationRuns(
	ctx: PaymentContext,
	query: Partial<ReconciliationRunQuery> = {},
): Promise<ReconciliationRunList> {
	const q = ReconciliationRunQuery.parse(query);
	const rows = await ctx.database.db
		.select()
		.from(reconciliationRuns)
		.where(
			and(
				q.trigger ? eq(reconciliationRuns.trigger, q.trigger) : undefined,
				olderThan(q.cursor, sql`${reconciliationRuns.startedAt}`, sql`${reconciliationRuns.id}`),
			),
		)
		.orderBy(desc(reconciliationRuns.startedAt), desc(reconciliationRuns.id))
		.limit(q.limit + 1);
	return toPage(
		rows,
		q.limit,
		(r) => [r.startedAt, r.id],
		(r) => ({ ...r, details: ReconcileLine.array().parse(JSON.parse(r.details)) }),
	);
}

import { type Rule, RuleInput } from "@bazaar/contracts/promotion";
import { newId } from "@bazaar/ids";
import { sql } from "drizzle-orm";
import { changes } from "../lib/db";
import { NotFoundError } from "../lib/errors";
import { iso, type PromotionContext, promotionWrite } from "./context";
import { defaultLabel } from "./pricing/price-lines";
import { loadActivities, RULE_COLUMNS, recordChange, toRule } from "./records";

// An activity's pricing rules: added, replaced and deleted by admins. A rule is validated whole
// by its contract (RuleSpec); what it means when several apply is pricing/price-lines.ts.

async function liveActivity(tx: Pick<import("../lib/db").TxDb, "all">, activityId: string) {
	const [row] = await tx.all<{ id: string }>(
		sql`SELECT id FROM activities WHERE id = ${activityId} AND deleted_at IS NULL`,
	);
	if (!row) throw new NotFoundError("The activity");
}

export async function addRule(ctx: PromotionContext, activityId: string, body: unknown, actor: string): Promise<Rule> {
	const input = RuleInput.parse(body);
	const id = newId("rul");
	const at = iso(ctx.now());
	await promotionWrite(ctx, async (tx) => {
		await liveActivity(tx, activityId);
		await tx.run(sql`INSERT INTO rules (id, activity_id, label, priority, coupon_only, kind, spec, created_at, updated_at)
			VALUES (${id}, ${activityId}, ${input.label || defaultLabel(input.spec)}, ${input.priority},
			${input.couponOnly ? 1 : 0}, ${input.spec.kind}, ${JSON.stringify(input.spec)}, ${at}, ${at})`);
		await recordChange(tx, "promotion.rule.created", id, { activityId, ruleId: id, actor });
	});
	return getRule(ctx, id);
}

export async function replaceRule(ctx: PromotionContext, ruleId: string, body: unknown, actor: string): Promise<Rule> {
	const input = RuleInput.parse(body);
	const at = iso(ctx.now());
	await promotionWrite(ctx, async (tx) => {
		const [row] = await tx.all<{ activityId: string }>(
			sql`SELECT activity_id AS activityId FROM rules WHERE id = ${ruleId}`,
		);
		if (!row) throw new NotFoundError("The rule");
		await liveActivity(tx, row.activityId);
		await tx.run(sql`UPDATE rules SET label = ${input.label || defaultLabel(input.spec)}, priority = ${input.priority},
			coupon_only = ${input.couponOnly ? 1 : 0}, kind = ${input.spec.kind}, spec = ${JSON.stringify(input.spec)},
			updated_at = ${at} WHERE id = ${ruleId}`);
		await recordChange(tx, "promotion.rule.updated", ruleId, { activityId: row.activityId, ruleId, actor });
	});
	return getRule(ctx, ruleId);
}

export async function deleteRule(ctx: PromotionContext, ruleId: string, actor: string): Promise<void> {
	await promotionWrite(ctx, async (tx) => {
		const [row] = await tx.all<{ activityId: string }>(
			sql`SELECT activity_id AS activityId FROM rules WHERE id = ${ruleId}`,
		);
		if (!row) throw new NotFoundError("The rule");
		const done = await tx.run(sql`DELETE FROM rules WHERE id = ${ruleId}`);
		if (changes(done) === 0) throw new NotFoundError("The rule");
		await recordChange(tx, "promotion.rule.deleted", ruleId, { activityId: row.activityId, ruleId, actor });
	});
}

export async function getRule(ctx: PromotionContext, ruleId: string): Promise<Rule> {
	const [row] = await ctx.database.db.all<Parameters<typeof toRule>[0]>(
		sql`SELECT ${RULE_COLUMNS} FROM rules WHERE id = ${ruleId}`,
	);
	if (!row) throw new NotFoundError("The rule");
	// A rule of a deleted activity is gone for admins too.
	const [activity] = await loadActivities(ctx.database.db, sql`id = ${row.activityId}`, iso(ctx.now()));
	if (!activity) throw new NotFoundError("The rule");
	return toRule(row);
}

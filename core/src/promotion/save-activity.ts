import { type Activity, ActivityInput, ActivityPatch } from "@bazaar/contracts/promotion";
import { newId } from "@bazaar/ids";
import { sql } from "drizzle-orm";
import { changes } from "../lib/db";
import { ConflictError, isUniqueViolation, NotFoundError, ValidationError } from "../lib/errors";
import { iso, type PromotionContext, promotionWrite } from "./context";
import { ACTIVITY_COLUMNS, type ActivityRecord, loadActivities, recordChange } from "./records";
import { normalizeLocal, zonedToUtcMs } from "./zoned-time";

// Creating, changing and deleting a sale activity. Its schedule is written as wall-clock times
// in its time zone and stored with the UTC instants they mean, which every clock compares with:
// the edge decides "running" from those instants, so a start or an end takes effect on time
// without anyone touching the shop. Each change bumps the promotion version and is on the bus.

function window(timeZone: string, startsAtLocal: string, endsAtLocal: string) {
	const startsAt = iso(zonedToUtcMs(startsAtLocal, timeZone));
	const endsAt = iso(zonedToUtcMs(endsAtLocal, timeZone));
	if (startsAt >= endsAt) {
		throw new ValidationError("The activity must end after it starts.", [
			{ path: "endsAt", message: "after startsAt (in the activity's time zone)" },
		]);
	}
	return { startsAt, endsAt, startsAtLocal: normalizeLocal(startsAtLocal), endsAtLocal: normalizeLocal(endsAtLocal) };
}

const slugTaken = () => new ConflictError("Another activity already has that slug.");

export async function createActivity(ctx: PromotionContext, body: unknown, actor: string): Promise<Activity> {
	const input = ActivityInput.parse(body);
	const w = window(input.timeZone, input.startsAt, input.endsAt);
	const id = newId("act");
	const at = iso(ctx.now());
	try {
		await promotionWrite(ctx, async (tx) => {
			await tx.run(sql`INSERT INTO activities (id, slug, name, description, badge, banner_text, time_zone,
				starts_at_local, ends_at_local, starts_at, ends_at, priority, enabled, created_at, updated_at)
				VALUES (${id}, ${input.slug}, ${input.name}, ${input.description}, ${input.badge}, ${input.bannerText},
				${input.timeZone}, ${w.startsAtLocal}, ${w.endsAtLocal}, ${w.startsAt}, ${w.endsAt}, ${input.priority},
				${input.enabled ? 1 : 0}, ${at}, ${at})`);
			await recordChange(tx, "promotion.activity.created", id, { activityId: id, slug: input.slug, actor });
		});
	} catch (err) {
		if (isUniqueViolation(err)) throw slugTaken();
		throw err;
	}
	return getActivity(ctx, id);
}

export async function updateActivity(
	ctx: PromotionContext,
	id: string,
	body: unknown,
	actor: string,
): Promise<Activity> {
	const patch = ActivityPatch.parse(body);
	const at = iso(ctx.now());
	try {
		await promotionWrite(ctx, async (tx) => {
			const [row] = await tx.all<ActivityRecord>(
				sql`SELECT ${ACTIVITY_COLUMNS} FROM activities WHERE id = ${id} AND deleted_at IS NULL`,
			);
			if (!row) throw new NotFoundError("The activity");
			const timeZone = patch.timeZone ?? row.timeZone;
			const w = window(timeZone, patch.startsAt ?? row.startsAtLocal, patch.endsAt ?? row.endsAtLocal);
			const next = {
				slug: patch.slug ?? row.slug,
				name: patch.name ?? row.name,
				description: patch.description ?? row.description,
				badge: patch.badge ?? row.badge,
				bannerText: patch.bannerText ?? row.bannerText,
				priority: patch.priority ?? row.priority,
				enabled: patch.enabled ?? Boolean(row.enabled),
			};
			await tx.run(sql`UPDATE activities SET slug = ${next.slug}, name = ${next.name}, description = ${next.description},
				badge = ${next.badge}, banner_text = ${next.bannerText}, time_zone = ${timeZone},
				starts_at_local = ${w.startsAtLocal}, ends_at_local = ${w.endsAtLocal}, starts_at = ${w.startsAt},
				ends_at = ${w.endsAt}, priority = ${next.priority}, enabled = ${next.enabled ? 1 : 0}, updated_at = ${at}
				WHERE id = ${id}`);
			await recordChange(tx, "promotion.activity.updated", id, { activityId: id, slug: next.slug, actor });
		});
	} catch (err) {
		if (isUniqueViolation(err)) throw slugTaken();
		throw err;
	}
	return getActivity(ctx, id);
}

/**
 * Deleted activities never apply nor show again; their rows stay because orders name their
 * rules. Their coupons stop working with them. Deleting again is a 404.
 */
export async function deleteActivity(ctx: PromotionContext, id: string, actor: string): Promise<void> {
	const at = iso(ctx.now());
	await promotionWrite(ctx, async (tx) => {
		const done = await tx.run(
			sql`UPDATE activities SET deleted_at = ${at}, updated_at = ${at} WHERE id = ${id} AND deleted_at IS NULL`,
		);
		if (changes(done) === 0) throw new NotFoundError("The activity");
		await recordChange(tx, "promotion.activity.deleted", id, { activityId: id, actor });
	});
}

export async function getActivity(ctx: PromotionContext, id: string): Promise<Activity> {
	const [found] = await loadActivities(ctx.database.db, sql`id = ${id}`, iso(ctx.now()));
	if (!found) throw new NotFoundError("The activity");
	return found;
}

export async function listActivities(ctx: PromotionContext): Promise<Activity[]> {
	return loadActivities(ctx.database.db, sql`1 = 1`, iso(ctx.now()));
}

import {
	type Availability,
	type AvailabilityList,
	AvailabilityRequest,
	type Policy,
} from "@bazaar/contracts/inventory";
import { sql } from "drizzle-orm";
import type { z } from "zod";
import { ServiceError } from "../lib/errors";
import type { InventoryContext } from "./context";
import { UnprocessableLinesError } from "./errors";
import { type Reader, slotIn, slotOut } from "./records";

/** What can be reserved now, for many SKUs (and slots) in one query: the cart's re-check. */
export async function availability(
	ctx: InventoryContext,
	input: z.input<typeof AvailabilityRequest>,
): Promise<AvailabilityList> {
	return { items: await readAvailability(ctx.database.db, AvailabilityRequest.parse(input)) };
}

interface Row {
	sku: string;
	policy: Policy;
	slotCapacity: number | null;
	slot: string | null;
	available: number | null;
}

export async function readAvailability(db: Reader, items: { sku: string; slot?: string }[]): Promise<Availability[]> {
	const skus = [...new Set(items.map((i) => i.sku))];
	const slots = [...new Set(["", ...items.map((i) => slotIn(i.slot))])];
	// Only the rows asked about: a service may have thousands of booked slots.
	const rows = await db.all<Row>(sql`SELECT k.sku, k.policy, k.slot_capacity AS slotCapacity, s.slot,
			sum(s.on_hand - s.reserved - s.sold) AS available
		FROM skus k LEFT JOIN stock s ON s.sku = k.sku AND s.slot IN (${sql.join(
			slots.map((s) => sql`${s}`),
			sql`, `,
		)})
		WHERE k.sku IN (${sql.join(
			skus.map((s) => sql`${s}`),
			sql`, `,
		)})
		GROUP BY k.sku, s.slot`);
	const bySku = new Map<string, { policy: Policy; slotCapacity: number | null; slots: Map<string, number> }>();
	for (const r of rows) {
		const entry = bySku.get(r.sku) ?? { policy: r.policy, slotCapacity: r.slotCapacity, slots: new Map() };
		if (r.slot !== null) entry.slots.set(r.slot, r.available ?? 0);
		bySku.set(r.sku, entry);
	}
	const unknown = skus.filter((s) => !bySku.has(s));
	if (unknown.length > 0) {
		throw new ServiceError(
			404,
			`Unknown SKU${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}.`,
			unknown.map((sku) => ({ path: sku, message: "unknown SKU" })),
		);
	}
	const errors: { path: string; message: string }[] = [];
	const out = items.map((item, i): Availability => {
		const entry = bySku.get(item.sku) as NonNullable<ReturnType<typeof bySku.get>>;
		const slot = slotIn(item.slot);
		const checked = slotRule(entry.policy, slot);
		if (checked) errors.push({ path: `${i}`, message: `${item.sku}: ${checked}` });
		const available =
			entry.policy === "unlimited"
				? null
				: entry.policy === "capacity"
					? (entry.slots.get(slot) ?? entry.slotCapacity ?? 0)
					: (entry.slots.get("") ?? 0);
		return { sku: item.sku, slot: slotOut(slot), policy: entry.policy, available };
	});
	if (errors.length > 0) throw new UnprocessableLinesError("Some items cannot be checked as given.", errors);
	return out;
}

/** A slot is named exactly when the SKU sells time slots; returns what is wrong, if anything. */
export function slotRule(policy: Policy, slot: string): string | null {
	if (policy === "capacity" && slot === "") return "a service sold by time slot needs a slot";
	if (policy !== "capacity" && slot !== "") return "only services sold by time slot take a slot";
	return null;
}

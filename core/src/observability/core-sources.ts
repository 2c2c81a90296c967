import type { Core } from "../workflows/compose";
import { subscribedGroups } from "./bus";
import type { ScrapeSources } from "./metrics";

// What /metrics and /readyz ask a composed core: the bus per consumer group, the outboxes, and
// the modules' own counts through their verbs (never their tables).

export interface GroupBacklog {
	group: string;
	lag: number | null;
	pending: number;
	deadLetters: number;
}

export async function busGroups(core: Pick<Core, "bus">): Promise<GroupBacklog[]> {
	return Promise.all(
		subscribedGroups().map(async (group) => {
			const [pending, dead] = await Promise.all([core.bus.pending(group), core.bus.countDeadLetters(group)]);
			return { group, lag: pending.lag, pending: pending.pending, deadLetters: dead };
		}),
	);
}

export async function outboxUnsent(core: Pick<Core, "relays">): Promise<{ database: string; unsent: number }[]> {
	return Promise.all(
		Object.entries(core.relays).map(async ([database, relay]) => ({ database, unsent: await relay.unsent() })),
	);
}

/**
 * Events waiting to take effect: those still in an outbox, plus the largest backlog of any one
 * consumer group (not yet delivered, or delivered and not yet acknowledged).
 */
export async function busBacklog(core: Pick<Core, "bus" | "relays">): Promise<number> {
	const [groups, outboxes] = await Promise.all([busGroups(core), outboxUnsent(core)]);
	const worstGroup = Math.max(0, ...groups.map((g) => (g.lag ?? 0) + g.pending));
	return outboxes.reduce((n, o) => n + o.unsent, 0) + worstGroup;
}

export function scrapeSources(core: Core): ScrapeSources {
	return {
		busGroups: () => busGroups(core),
		outboxUnsent: () => outboxUnsent(core),
		ordersByStatus: () => core.orders.countByStatus(),
		reservationsByStatus: () => core.inventory.countReservationsByStatus(),
	};
}

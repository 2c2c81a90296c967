import type { ReserveLine } from "@bazaar/contracts/inventory";
import { OutOfStockError } from "../errors";
import type { Inventory } from "../module";

// One side of a reservation race, shared by the test process and the second OS process
// (race-worker.ts): fire every attempt at once over several clients and tally the answers.

export interface RaceSpec {
	/** Order ids are `${prefix}-${n}`: unique across both processes. */
	prefix: string;
	attempts: number;
	lines: { sku: string; quantity: number }[];
	ttlMs?: number;
	/** Commit every n-th successful reservation right away (a payment racing the sweeper). */
	commitEvery?: number;
	/** Spread the attempts over this many ms (so expiries happen during the race). */
	spreadMs?: number;
}

export interface RaceOutcome {
	reserved: string[];
	outOfStock: number;
	committed: string[];
	/** Commits refused with 409 because the sweeper expired the reservation first. */
	commitRefused: number;
	/** Anything else: must stay empty. */
	errors: string[];
	/** Out-of-stock answers that did not name the SKU with a sane available figure. */
	badShortages: number;
	firstAt: number;
	lastAt: number;
}

/** `onStart` runs when the first attempt begins (the second process announces it). */
export async function runRace(clients: Inventory[], spec: RaceSpec, onStart?: () => void): Promise<RaceOutcome> {
	const out: RaceOutcome = {
		reserved: [],
		outOfStock: 0,
		committed: [],
		commitRefused: 0,
		errors: [],
		badShortages: 0,
		firstAt: Number.POSITIVE_INFINITY,
		lastAt: 0,
	};
	const requested = new Map<string, number>();
	for (const l of spec.lines) requested.set(l.sku, (requested.get(l.sku) ?? 0) + l.quantity);
	const attempt = async (n: number) => {
		const inv = clients[n % clients.length] as Inventory;
		if (spec.spreadMs) await Bun.sleep(Math.floor(Math.random() * spec.spreadMs));
		if (out.firstAt === Number.POSITIVE_INFINITY) onStart?.();
		out.firstAt = Math.min(out.firstAt, Date.now());
		try {
			const { reservation } = await inv.reserve(
				{ orderId: `${spec.prefix}-${n}`, lines: spec.lines as ReserveLine[] },
				spec.ttlMs ? { ttlMs: spec.ttlMs } : {},
			);
			out.reserved.push(reservation.id);
			if (spec.commitEvery && out.reserved.length % spec.commitEvery === 0) {
				try {
					await inv.commit(reservation.id);
					out.committed.push(reservation.id);
				} catch (err) {
					if ((err as { status?: number }).status === 409) out.commitRefused++;
					else out.errors.push(`commit: ${String(err)}`);
				}
			}
		} catch (err) {
			if (err instanceof OutOfStockError) {
				out.outOfStock++;
				const sane = err.shortages.every(
					(s) => requested.get(s.sku) === s.requested && s.available >= 0 && s.available < s.requested,
				);
				if (!sane || err.shortages.length === 0) out.badShortages++;
			} else out.errors.push(String(err));
		} finally {
			out.lastAt = Math.max(out.lastAt, Date.now());
		}
	};
	await Promise.all(Array.from({ length: spec.attempts }, (_, n) => attempt(n)));
	return out;
}

import { sql } from "drizzle-orm";
import type { Redis } from "ioredis";
import type { Database } from "../lib/db";
import { closeRedis, connectRedis } from "../lib/redis";
import type { Core } from "../workflows/compose";
import { busBacklog } from "./core-sources";

// GET /readyz: may this core take traffic? Every module database answers a read, Redis answers
// PING when it is configured, and the bus is not further behind than READY_MAX_BUS_BACKLOG
// events (a core whose events pile up should be taken out of rotation before shoppers notice).
// A load balancer polls it, so one answer serves every probe within a second; each check has a
// deadline, so a hung dependency makes the core unready rather than the probe hang.

export interface ReadinessCheck {
	name: string;
	ok: boolean;
	/** Why not (never a URL, a key or a value from the environment). */
	detail?: string;
}

export interface Readiness {
	ready: boolean;
	checks: ReadinessCheck[];
}

const CHECK_TIMEOUT_MS = 2_000;
const CACHE_MS = 1_000;

export interface ReadinessProbe {
	check(): Promise<Readiness>;
	close(): Promise<void>;
}

export function readinessProbe(
	core: Core,
	options: { maxBusBacklog: number; redisUrl: string | null },
): ReadinessProbe {
	const databases: [string, Database<Record<string, unknown>>][] = [
		["catalog", core.catalog.catalog.database],
		["identity", core.identity.identity.database],
		["inventory", core.inventory.context.database],
		["cart", core.cart.context.database],
		["order", core.orders.context.database],
		["payment", core.payments.context.database],
		["fulfillment", core.fulfillment.context.database],
	];
	const redis: Redis | null = options.redisUrl ? connectRedis(options.redisUrl, "readiness") : null;
	let last: { at: number; answer: Promise<Readiness> } | null = null;

	const run = async (): Promise<Readiness> => {
		const checks = await Promise.all([
			...databases.map(([name, db]) =>
				deadline(`database ${name}`, async () => {
					await db.db.all(sql`SELECT 1`);
					return undefined;
				}),
			),
			...(redis
				? [
						deadline("redis", async () => {
							if ((await redis.ping()) !== "PONG") throw new Error("no PONG");
							return undefined;
						}),
					]
				: []),
			deadline("bus backlog", async () => {
				const backlog = await busBacklog(core);
				if (backlog > options.maxBusBacklog) {
					throw new Error(`${backlog} events waiting, above READY_MAX_BUS_BACKLOG=${options.maxBusBacklog}`);
				}
				return `${backlog} events waiting`;
			}),
		]);
		return { ready: checks.every((c) => c.ok), checks };
	};

	return {
		check() {
			const now = Date.now();
			if (!last || now - last.at >= CACHE_MS) last = { at: now, answer: run() };
			return last.answer;
		},
		async close() {
			if (redis) await closeRedis(redis);
		},
	};
}

async function deadline(name: string, fn: () => Promise<string | undefined>): Promise<ReadinessCheck> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
	});
	try {
		const detail = await Promise.race([fn(), timeout]);
		return detail ? { name, ok: true, detail } : { name, ok: true };
	} catch (err) {
		return { name, ok: false, detail: err instanceof Error ? err.message.slice(0, 200) : "failed" };
	} finally {
		clearTimeout(timer);
	}
}

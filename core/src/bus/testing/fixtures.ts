import { join } from "node:path";
import type { EventEnvelope } from "@bazaar/contracts/bus";
import { ulid } from "@bazaar/ids";
import { sql } from "drizzle-orm";
import { Redis } from "ioredis";
import { type Database, openDatabase } from "../../lib/db";
import { exec, rows } from "../../testing/sql";
import { emit } from "../emit";
import { handleOnce } from "../inbox";
import { openLibsqlBus } from "../libsql-transport";
import { openRedisBus } from "../redis-transport";
import { ensureBusTables } from "../schema";
import type { Bus } from "../transport";

// Real parts for the bus tests and their child processes: libSQL files, the real Redis, and two
// tiny modules — a producer (orders) that emits in its write transaction, and a consumer
// (stock) that applies `order.placed` once through its inbox.

export type BackendName = "libsql" | "redis";

/** Everything a child process needs to reach the same bus as the test. */
export interface BusLocation {
	backend: BackendName;
	/** The bus database URL (libsql) or the Redis URL. */
	url: string;
	prefix?: string;
}

export function openBusAt(loc: BusLocation): Promise<Bus> {
	return loc.backend === "redis" ? openRedisBus({ url: loc.url, prefix: loc.prefix }) : openLibsqlBus({ url: loc.url });
}

export function libsqlLocation(dir: string): BusLocation {
	return { backend: "libsql", url: `file:${join(dir, "bus.db")}` };
}

export function redisLocation(url: string): BusLocation {
	return { backend: "redis", url, prefix: `bazaar:bustest:${ulid().toLowerCase()}` };
}

/** Deletes every key under the test's prefix (and nothing else). */
export async function dropRedisPrefix(url: string, prefix: string): Promise<void> {
	const redis = new Redis(url, { maxRetriesPerRequest: 1 });
	redis.on("error", () => {});
	try {
		let cursor = "0";
		do {
			const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
			if (keys.length > 0) await redis.del(...keys);
			cursor = next;
		} while (cursor !== "0");
	} finally {
		redis.disconnect();
	}
}

export async function openProducerDb(url: string): Promise<Database<Record<string, never>>> {
	const db = await openDatabase(url, {});
	await ensureBusTables(db);
	await exec(db, "CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, sku TEXT NOT NULL, qty INTEGER NOT NULL)");
	return db;
}

/** The order and its `order.placed` event commit together, or neither does. */
export async function placeOrder(
	db: Database<Record<string, never>>,
	sku: string,
	qty: number,
): Promise<EventEnvelope> {
	const orderId = `ord_${ulid()}`;
	return db.write(async (tx) => {
		await tx.run(sql`INSERT INTO orders (id, sku, qty) VALUES (${orderId}, ${sku}, ${qty})`);
		return emit(tx, { type: "order.placed", source: "order", key: orderId, data: { orderId, sku, qty } });
	});
}

export async function openConsumerDb(url: string): Promise<Database<Record<string, never>>> {
	const db = await openDatabase(url, {});
	await ensureBusTables(db);
	await exec(db, "CREATE TABLE IF NOT EXISTS stock (sku TEXT PRIMARY KEY, reserved INTEGER NOT NULL)");
	return db;
}

/** The consumer's state change: reserve the order's quantity, at most once per event. */
export function reserveOnce(db: Database<Record<string, never>>, event: EventEnvelope, hang?: () => Promise<void>) {
	return handleOnce(db, event.id, async (tx) => {
		const { sku, qty } = event.data as { sku: string; qty: number };
		await tx.run(
			sql`INSERT INTO stock (sku, reserved) VALUES (${sku}, ${qty})
				ON CONFLICT (sku) DO UPDATE SET reserved = reserved + excluded.reserved`,
		);
		await hang?.();
	});
}

export async function reserved(db: Database<Record<string, never>>, sku: string): Promise<number> {
	const res = await rows(db, "SELECT reserved FROM stock WHERE sku = ?", sku);
	return Number(res[0]?.reserved ?? 0);
}

export async function inboxCount(db: Database<Record<string, never>>): Promise<number> {
	const res = await rows(db, "SELECT count(*) AS n FROM bus_inbox");
	return Number(res[0]?.n ?? 0);
}

export async function until(check: () => boolean | Promise<boolean>, ms = 5_000, what = "condition"): Promise<void> {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		if (await check()) return;
		await Bun.sleep(15);
	}
	throw new Error(`${what} not met within ${ms} ms`);
}

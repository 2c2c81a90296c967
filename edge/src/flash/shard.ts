import { DurableObject } from "cloudflare:workers";
import { FlashIngestResult } from "@bazaar/contracts/flash";
import { ulid } from "@bazaar/ids";
import { flashReservationMac, flashReservationToken } from "@bazaar/signature/flash";
import { coreClient } from "../lib/core";
import { type BuyOutcome, type FlashItemConfig, testHooks } from "./config";

// One stock shard of a flash-sale item (DESIGN.md, "A buy in the shard"). Its units, the units each
// of its shoppers bought and its reservations live in its SQLite storage. A buy checks and writes
// with NO await in between (ctx.storage.sql is synchronous), so no other request can run between
// the check and the decrement: that is what makes it impossible to oversell. The answer waits only
// for that write to be durable (the output gate), never for the core.
//
// Units move between a shard and its coordinator only by idempotent transfers (each has an id the
// receiver records once), so a retried or replayed transfer never counts twice: at every instant
//   coordinator pool + Σ shard remaining + units in flight + Σ reservations − Σ returned = quota.
// Reservations travel to the core in batches from an alarm (a few hundred ms after the first one);
// a row stays `pending` until the core has answered for it, so a crash or a lost answer re-sends it
// and the core's idempotency by reservation id creates its order once.

const FLUSH_DELAY_MS = 200;
const FLUSH_RETRY_MS = 2_000;
const FLUSH_BATCH = 2_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stock (id INTEGER PRIMARY KEY CHECK (id = 1), remaining INTEGER NOT NULL CHECK (remaining >= 0));
CREATE TABLE IF NOT EXISTS buyers (shopper TEXT PRIMARY KEY, units INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS reservations (id TEXT PRIMARY KEY, shopper TEXT NOT NULL, quantity INTEGER NOT NULL,
	unit_price INTEGER NOT NULL, at TEXT NOT NULL, state TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS reservations_state ON reservations (state);
CREATE TABLE IF NOT EXISTS grants (id TEXT PRIMARY KEY, quantity INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS surrenders (id TEXT PRIMARY KEY, quantity INTEGER NOT NULL);
INSERT OR IGNORE INTO stock (id, remaining) VALUES (1, 0);
`;

export interface ShardAudit {
	received: number;
	surrendered: number;
	remaining: number;
	reservations: number;
	reservedUnits: number;
	pending: number;
	refusedUnits: number;
	maxPerShopper: number;
}

export class FlashShard extends DurableObject<Env> {
	private readonly sql: SqlStorage;
	private config: (FlashItemConfig & { index: number }) | null;
	private borrowing: Promise<number> | null = null;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		this.sql.exec(SCHEMA);
		const row = this.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'config'").toArray()[0];
		this.config = row ? JSON.parse(row.v) : null;
	}

	/** Set by the coordinator when the item is armed, with this shard's first allotment. */
	configure(config: FlashItemConfig & { index: number }, grant: { id: string; quantity: number }): number {
		this.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('config', ?)", JSON.stringify(config));
		this.config = config;
		return this.receive(grant.id, grant.quantity);
	}

	/** Units from the coordinator; a transfer id seen before adds nothing. Returns what is left here. */
	receive(transferId: string, quantity: number): number {
		const added = this.sql.exec("INSERT OR IGNORE INTO grants (id, quantity) VALUES (?, ?)", transferId, quantity);
		if (added.rowsWritten > 0 && quantity > 0) {
			this.sql.exec("UPDATE stock SET remaining = remaining + ? WHERE id = 1", quantity);
		}
		return this.remaining();
	}

	/** Gives up to `want` units (at most half of what is left, unless little is left) to a sibling; once per id. */
	surrender(transferId: string, want: number): number {
		const seen = this.sql
			.exec<{ quantity: number }>("SELECT quantity FROM surrenders WHERE id = ?", transferId)
			.toArray()[0];
		if (seen) return seen.quantity;
		const left = this.remaining();
		const give = Math.min(left, Math.max(want, Math.floor(left / 2)));
		this.sql.exec("INSERT INTO surrenders (id, quantity) VALUES (?, ?)", transferId, give);
		if (give > 0) this.sql.exec("UPDATE stock SET remaining = remaining - ? WHERE id = 1", give);
		return give;
	}

	remaining(): number {
		return this.sql.exec<{ remaining: number }>("SELECT remaining FROM stock WHERE id = 1").one().remaining;
	}

	async buy(shopper: string, quantity: number, now = Date.now()): Promise<BuyOutcome> {
		const config = this.config;
		if (!config) return { kind: "unknown" };
		if (now < config.startsAt) return { kind: "not_started", startsAt: config.startsAt };
		if (now >= config.endsAt) return { kind: "ended" };
		let taken = this.take(config, shopper, quantity, now);
		for (let round = 0; taken === "empty" && round < 5; round++) {
			// Empty here: borrow from the coordinator's pool or the siblings, then check again
			// (synchronously again: whatever ran during the borrow is already accounted for). The
			// coordinator answers 0 only when the pool and every sibling are empty too.
			const got = await this.borrow(quantity);
			taken = this.take(config, shopper, quantity, Date.now());
			if (got === 0) break;
		}
		if (taken === "empty") return { kind: "sold_out" };
		if (taken === "limit") return { kind: "limit", limit: config.perShopperLimit };
		this.scheduleFlush();
		return this.answer(config, taken, shopper, quantity);
	}

	/**
	 * TEST ONLY (FLASH_TEST_HOOKS=on): the same buy with an `await` between the check and the
	 * decrement — the bug DESIGN.md warns about. Other buys run during the await and read the same
	 * count, so this oversells; the race test shows its checker catches it.
	 */
	async buyBroken(shopper: string, quantity: number): Promise<BuyOutcome> {
		const config = this.config;
		if (!config || !testHooks(this.env)) return { kind: "unknown" };
		const left = this.remaining();
		const had = this.sql.exec<{ units: number }>("SELECT units FROM buyers WHERE shopper = ?", shopper).toArray()[0];
		if ((had?.units ?? 0) + quantity > config.perShopperLimit) return { kind: "limit", limit: config.perShopperLimit };
		if (left < quantity) return { kind: "sold_out" };
		await new Promise((resolve) => setTimeout(resolve, 1));
		const id = `fr_${ulid()}`;
		this.sql.exec("UPDATE stock SET remaining = ? WHERE id = 1", left - quantity);
		this.recordBuy(config, id, shopper, quantity, Date.now());
		return this.answer(config, id, shopper, quantity);
	}

	/** The check and the write, with nothing in between that could let another request in. */
	private take(config: FlashItemConfig, shopper: string, quantity: number, now: number): string | "empty" | "limit" {
		const had = this.sql.exec<{ units: number }>("SELECT units FROM buyers WHERE shopper = ?", shopper).toArray()[0];
		if ((had?.units ?? 0) + quantity > config.perShopperLimit) return "limit";
		if (this.remaining() < quantity) return "empty";
		const id = `fr_${ulid(now)}`;
		this.sql.exec("UPDATE stock SET remaining = remaining - ? WHERE id = 1", quantity);
		this.recordBuy(config, id, shopper, quantity, now);
		return id;
	}

	private recordBuy(config: FlashItemConfig, id: string, shopper: string, quantity: number, now: number): void {
		this.sql.exec(
			"INSERT INTO buyers (shopper, units) VALUES (?, ?) ON CONFLICT (shopper) DO UPDATE SET units = units + excluded.units",
			shopper,
			quantity,
		);
		this.sql.exec(
			"INSERT INTO reservations (id, shopper, quantity, unit_price, at, state) VALUES (?, ?, ?, ?, ?, 'pending')",
			id,
			shopper,
			quantity,
			config.flashPrice,
			new Date(now).toISOString(),
		);
	}

	private async answer(config: FlashItemConfig, id: string, shopper: string, quantity: number): Promise<BuyOutcome> {
		const token = await flashReservationToken(this.env.BAZAAR_SIGNING_SECRET, id, shopper);
		return { kind: "reserved", reservationId: id, token, quantity, unitPrice: config.flashPrice };
	}

	/** One borrow at a time per shard; concurrent empty buys wait for the same one. */
	private borrow(quantity: number): Promise<number> {
		if (!this.borrowing) {
			const config = this.config;
			if (!config) return Promise.resolve(0);
			const want = Math.max(quantity, Math.ceil(config.quota / config.shards / 20));
			const coordinator = this.env.FLASH_COORDINATOR.get(this.env.FLASH_COORDINATOR.idFromName(config.itemId));
			this.borrowing = coordinator.borrow(config.index, want, this.remaining()).finally(() => {
				this.borrowing = null;
			});
		}
		return this.borrowing;
	}

	private scheduleFlush(): void {
		if (this.config?.hold && testHooks(this.env)) return;
		this.ctx.waitUntil(
			this.ctx.storage
				.getAlarm()
				.then((at) => (at === null ? this.ctx.storage.setAlarm(Date.now() + FLUSH_DELAY_MS) : undefined)),
		);
	}

	/** Sends pending reservations to the core; a failure leaves them pending and retries. */
	override async alarm(): Promise<void> {
		const config = this.config;
		if (!config) return;
		await this.returnRefused(config);
		const rows = this.sql
			.exec<{ id: string; shopper: string; quantity: number; unit_price: number; at: string }>(
				"SELECT id, shopper, quantity, unit_price, at FROM reservations WHERE state = 'pending' ORDER BY id LIMIT ?",
				FLUSH_BATCH,
			)
			.toArray();
		if (rows.length === 0) return;
		const reservations = await Promise.all(
			rows.map(async (r) => {
				const fields = {
					id: r.id,
					itemId: config.itemId,
					shopper: r.shopper,
					quantity: r.quantity,
					unitPrice: r.unit_price,
				};
				return {
					...fields,
					shard: config.index,
					at: r.at,
					mac: await flashReservationMac(this.env.BAZAAR_SIGNING_SECRET, fields),
				};
			}),
		);
		let result: FlashIngestResult;
		try {
			const res = await coreClient(this.env).request("POST", "/flash/reservations", {
				caller: { user: "edge", roles: ["service"] },
				body: JSON.stringify({ reservations }),
			});
			if (!res.ok) throw new Error(`core answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
			result = FlashIngestResult.parse(await res.json());
		} catch (err) {
			console.warn(`[flash shard ${config.itemId}:${config.index}] flush failed, retrying:`, String(err));
			await this.ctx.storage.setAlarm(Date.now() + FLUSH_RETRY_MS);
			return;
		}
		const refused = new Map(result.refused.map((r) => [r.id, r.reason]));
		let back = 0;
		for (const r of rows) {
			const state = refused.has(r.id) ? "refused" : "sent";
			const changed = this.sql.exec(
				"UPDATE reservations SET state = ? WHERE id = ? AND state = 'pending'",
				state,
				r.id,
			);
			if (state === "refused" && changed.rowsWritten > 0) back += r.quantity;
		}
		if (back > 0) await this.returnRefused(config);
		if (rows.length === FLUSH_BATCH) await this.ctx.storage.setAlarm(Date.now() + 10);
	}

	/**
	 * Refused reservations (no address, …): their units go back on sale through the coordinator's
	 * pool. A row stays `refused` until the coordinator has them (it records each id once), so a
	 * failed call is retried by the next alarm and nothing is returned twice.
	 */
	private async returnRefused(config: FlashItemConfig): Promise<void> {
		const rows = this.sql
			.exec<{ id: string; quantity: number }>(
				"SELECT id, quantity FROM reservations WHERE state = 'refused' LIMIT 1000",
			)
			.toArray();
		if (rows.length === 0) return;
		const coordinator = this.env.FLASH_COORDINATOR.get(this.env.FLASH_COORDINATOR.idFromName(config.itemId));
		try {
			await coordinator.returnUnits(rows);
		} catch (err) {
			console.warn(`[flash shard ${config.itemId}] returning refused units failed, retrying:`, String(err));
			await this.ctx.storage.setAlarm(Date.now() + FLUSH_RETRY_MS);
			return;
		}
		for (const r of rows)
			this.sql.exec("UPDATE reservations SET state = 'returned' WHERE id = ? AND state = 'refused'", r.id);
	}

	/**
	 * Reservations that expired unpaid no longer count against their shopper's limit: once per id
	 * (the row leaves `sent`/`pending` for `expired`). Their units went back through the coordinator.
	 */
	releaseAllowance(ids: string[]): { released: number } {
		let released = 0;
		for (const id of ids) {
			const row = this.sql
				.exec<{ shopper: string; quantity: number }>(
					"UPDATE reservations SET state = 'expired' WHERE id = ? AND state IN ('sent', 'pending') RETURNING shopper, quantity",
					id,
				)
				.toArray()[0];
			if (!row) continue;
			this.sql.exec("UPDATE buyers SET units = max(0, units - ?) WHERE shopper = ?", row.quantity, row.shopper);
			released += row.quantity;
		}
		return { released };
	}

	/** The shard's books, for the invariant checks and the admin's stock view. */
	audit(): ShardAudit {
		const one = (q: string) => Number(this.sql.exec<{ n: number }>(q).one().n ?? 0);
		return {
			received: one("SELECT coalesce(sum(quantity), 0) AS n FROM grants"),
			surrendered: one("SELECT coalesce(sum(quantity), 0) AS n FROM surrenders"),
			remaining: this.remaining(),
			reservations: one("SELECT count(*) AS n FROM reservations"),
			reservedUnits: one("SELECT coalesce(sum(quantity), 0) AS n FROM reservations"),
			pending: one("SELECT count(*) AS n FROM reservations WHERE state = 'pending'"),
			refusedUnits: one(
				"SELECT coalesce(sum(quantity), 0) AS n FROM reservations WHERE state IN ('refused', 'returned')",
			),
			maxPerShopper: one("SELECT coalesce(max(units), 0) AS n FROM buyers"),
		};
	}

	/** Every reservation this shard made (the race tests match them with the core's orders). */
	reservationIds(): string[] {
		return this.sql
			.exec<{ id: string }>("SELECT id FROM reservations ORDER BY id")
			.toArray()
			.map((r) => r.id);
	}
}

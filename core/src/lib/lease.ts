import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { sql } from "drizzle-orm";
import { changes, type Database } from "./db";

// A named lease in a module's own database, so a periodic job runs in one core process at a
// time however many share the databases: the holder renews it each run; another process takes it
// over only once it has lapsed (its holder stopped or died). Stored beside the module's tables,
// created on first use like the bus's tables, because every module's sweeper needs the same one.

const SCHEMA = `CREATE TABLE IF NOT EXISTS sweeper_leases (
	name TEXT PRIMARY KEY,
	holder TEXT NOT NULL,
	expires_at INTEGER NOT NULL
)`;

/** This process's name as a lease holder. */
export const PROCESS_HOLDER = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export class Lease {
	private ready = false;

	constructor(
		private readonly database: Database<Record<string, unknown>>,
		readonly name: string,
		readonly ms: number,
		readonly holder: string = PROCESS_HOLDER,
		private readonly now: () => number = Date.now,
	) {}

	/** Takes or renews the lease; false while another holder's lease runs. */
	async acquire(): Promise<boolean> {
		const now = this.now();
		return this.database.write(async (tx) => {
			if (!this.ready) {
				await tx.run(sql.raw(SCHEMA));
				this.ready = true;
			}
			const result = await tx.run(sql`INSERT INTO sweeper_leases (name, holder, expires_at)
				VALUES (${this.name}, ${this.holder}, ${now + this.ms})
				ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
				WHERE sweeper_leases.holder = excluded.holder OR sweeper_leases.expires_at <= ${now}`);
			return changes(result) > 0;
		});
	}

	/** Gives the lease up at once (a clean stop), so another process need not wait for it to lapse. */
	async release(): Promise<void> {
		if (!this.ready) return;
		await this.database.write((tx) =>
			tx.run(sql`DELETE FROM sweeper_leases WHERE name = ${this.name} AND holder = ${this.holder}`),
		);
	}
}

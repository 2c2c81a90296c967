import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../lib/db";

// Plain SQL with `?` parameters for tests that look at (or poke) a module's tables directly.
// Reads go through the database's reader, writes through its writer, like the modules'.

// biome-ignore lint/suspicious/noExplicitAny: any module's database
type AnyDatabase = Database<any>;

function statement(text: string, args: unknown[]): SQL {
	const parts = text.split("?");
	if (parts.length - 1 !== args.length) throw new Error(`${parts.length - 1} placeholders, ${args.length} values`);
	return sql.join(parts.map((part, i) => (i === 0 ? sql.raw(part) : sql`${args[i - 1]}${sql.raw(part)}`)));
}

/** drizzle wraps a driver's error in "Failed to run the query …"; tests look at SQLite's own words. */
function driverError(err: unknown): unknown {
	return err instanceof Error && err.cause instanceof Error ? err.cause : err;
}

/** The rows a SELECT answers. */
export async function rows<T = Record<string, unknown>>(database: AnyDatabase, text: string, ...args: unknown[]) {
	try {
		return (await database.db.all(statement(text, args))) as T[];
	} catch (err) {
		throw driverError(err);
	}
}

/** One row, or undefined. */
export async function row<T = Record<string, unknown>>(database: AnyDatabase, text: string, ...args: unknown[]) {
	return (await rows<T>(database, text, ...args))[0];
}

/** Runs a write (or several, `;`-free each) as one unit of the writer. */
export async function exec(database: AnyDatabase, text: string, ...args: unknown[]): Promise<void> {
	try {
		await database.write(async (tx) => {
			await tx.run(statement(text, args));
		});
	} catch (err) {
		throw driverError(err);
	}
}

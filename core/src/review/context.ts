import { resolve } from "node:path";
import { type Database, migrateDatabase, openDatabase, type TxDb } from "../lib/db";
import { type ReviewSchema, reviewSchema } from "./schema";

export const REVIEW_MIGRATIONS = resolve(import.meta.dir, "migrations");

/** Everything a review verb needs. */
export interface ReviewContext {
	database: Database<ReviewSchema>;
	/** Where photos are stored: the same content-addressed store as product images (served at /img/). */
	imagesDir: string;
	now: () => number;
}

export interface ReviewContextOptions {
	url: string;
	imagesDir: string;
	migrate?: boolean;
	/** The clock (ms since epoch); tests move time by passing their own. */
	now?: () => number;
}

export async function openReviewContext(options: ReviewContextOptions): Promise<ReviewContext> {
	const database = await openDatabase(options.url, reviewSchema);
	if (options.migrate !== false) await migrateDatabase(database, REVIEW_MIGRATIONS);
	return { database, imagesDir: options.imagesDir, now: options.now ?? Date.now };
}

/** The one way the review module writes: a unit of its database's group commit. */
export function reviewWrite<T>(ctx: ReviewContext, fn: (tx: TxDb) => T | Promise<T>): Promise<T> {
	return ctx.database.write(fn);
}

export const iso = (ms: number) => new Date(ms).toISOString();

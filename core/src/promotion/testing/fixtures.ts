import { join } from "node:path";
import type { Caller } from "@bazaar/signature";
import { Hono } from "hono";
import { IDENTITY_MIGRATIONS } from "../../identity/context";
import { SqlRateLimiter } from "../../identity/rate-limit";
import { identitySchema } from "../../identity/schema";
import { migrateDatabase, openDatabase } from "../../lib/db";
import { type AppEnv, notFound, onError, requireSignature } from "../../lib/http";
import { SECRET, tempDir } from "../../testing/harness";
import { signedInit } from "../../testing/signed-init";
import { row, rows } from "../../testing/sql";
import { openPromotions, type PromotionModule } from "../module";
import { promotionAdminRoutes, promotionRoutes } from "../routes";

// Promotion tests on real parts: a temporary libSQL file for the module, the identity database's
// rate-limit buckets (the core's one limiter), the routes mounted behind the signature check as
// app.ts mounts them, signed calls as the edge makes them, and a clock the test moves.

export const ADMIN: Caller = { user: "usr_01ADMIN000000000000000000", roles: ["admin"] };
export const ALICE: Caller = { user: "usr_01ALICE0000000000000000000", roles: ["customer"] };

export interface PromotionHarness {
	mod: PromotionModule;
	clock: { now: number };
	call(
		method: string,
		path: string,
		init?: { body?: unknown; caller?: Caller; headers?: Record<string, string> },
	): Promise<Response>;
	/** Event types in the module's outbox, oldest first. */
	outbox(): Promise<string[]>;
	count(table: string, where?: string): Promise<number>;
	close(): Promise<void>;
}

export async function promotionHarness(start = Date.parse("2026-11-10T12:00:00Z")): Promise<PromotionHarness> {
	const dir = tempDir("bazaar-promotion-");
	const clock = { now: start };
	const identityDb = await openDatabase(`file:${join(dir, "identity.db")}`, identitySchema);
	await migrateDatabase(identityDb, IDENTITY_MIGRATIONS);
	const limiter = new SqlRateLimiter(identityDb, () => clock.now);
	const mod = await openPromotions({ url: `file:${join(dir, "promotion.db")}`, limiter, now: () => clock.now });
	const app = new Hono<AppEnv>();
	app.use("*", requireSignature(SECRET));
	app.route("/promotion/admin", promotionAdminRoutes(mod));
	app.route("/promotion", promotionRoutes(mod));
	app.notFound(notFound);
	app.onError(onError);
	return {
		mod,
		clock,
		async call(method, path, init = {}) {
			return app.request(path, await signedInit(method, path, init, ADMIN));
		},
		async outbox() {
			return (await rows<{ type: string }>(mod.context.database, "SELECT type FROM bus_outbox ORDER BY rowid")).map(
				(r) => r.type,
			);
		},
		async count(table, where = "1 = 1") {
			return (
				(await row<{ n: number }>(mod.context.database, `SELECT count(*) AS n FROM ${table} WHERE ${where}`))?.n ?? 0
			);
		},
		async close() {
			await mod.stop();
			await identityDb.close();
		},
	};
}

import { afterEach, expect, test } from "bun:test";
import type { EventEnvelope } from "@bazaar/contracts/bus";
import { openDatabase } from "../lib/db";
import { tempDir } from "../testing/harness";
import { row as first } from "../testing/sql";
import { libsqlLocation, openBusAt, until } from "./testing/fixtures";
import type { Bus } from "./transport";

// A group that takes few of the log's event types must not rescan the others on every poll:
// its cursor moves past what it has looked at, so a claim costs what is new, not the whole log.

let bus: Bus | undefined;
afterEach(async () => bus?.stop());

const envelope = (i: number, type: string): EventEnvelope => ({
	id: `evt_cursor_${i}`,
	type,
	source: "test",
	key: `k${i % 7}`,
	occurredAt: new Date().toISOString(),
	data: { i },
});

test("the cursor skips events of types the group does not take", async () => {
	const loc = libsqlLocation(tempDir("bazaar-bus-cursor-"));
	bus = await openBusAt(loc);
	const got: number[] = [];
	bus.subscribe("rare", ["rare.happened"], async (e) => void got.push((e.data as { i: number }).i), { pollMs: 20 });
	await bus.start();
	const events = Array.from({ length: 300 }, (_, i) => envelope(i, i % 100 === 50 ? "rare.happened" : "common.noise"));
	await bus.publish(events);
	await until(() => got.length === 3);
	expect(got).toEqual([50, 150, 250]);
	// A long stretch of nothing but other types is recorded as skipped too.
	await bus.publish(Array.from({ length: 300 }, (_, i) => envelope(1000 + i, "common.noise")));
	const db = await openDatabase(loc.url, {});
	try {
		await until(async () => {
			const row = await first(
				db,
				"SELECT cursor, (SELECT MAX(seq) FROM bus_log) AS head FROM bus_groups WHERE grp = 'rare'",
			);
			return Number(row?.cursor) === Number(row?.head);
		});
	} finally {
		await db.close();
	}
});

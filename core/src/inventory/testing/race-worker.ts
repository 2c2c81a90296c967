import { openInventory } from "../module";
import { type RaceSpec, runRace } from "./race";

// The second OS process of the reservation races: opens its own libSQL clients on the same
// file, says "ready", waits for "go" on stdin, says "started" at its first attempt, races, prints its
// tally as one JSON line.
// Usage: bun race-worker.ts '<json {url, clients, sweepMs?, spec}>'

const args = JSON.parse(process.argv[2] ?? "{}") as { url: string; clients: number; sweepMs?: number; spec: RaceSpec };
const clients = await Promise.all(
	Array.from({ length: args.clients }, () =>
		openInventory({ url: args.url, migrate: false, sweeper: { intervalMs: args.sweepMs ?? 1_000 } }),
	),
);
if (args.sweepMs) clients[0]?.start();

process.stdout.write("ready\n");
for await (const line of console) {
	if (line.trim() === "go") break;
}
const outcome = await runRace(clients, args.spec, () => process.stdout.write("started\n"));
await Promise.all(clients.map((c) => c.stop()));
process.stdout.write(`${JSON.stringify(outcome)}\n`);
process.exit(0);

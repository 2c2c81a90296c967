import { type BusLocation, openBusAt, openConsumerDb, reserveOnce } from "./fixtures";

// A consumer in its own process, for the crash tests. Env:
//   BUS_LOCATION  JSON BusLocation;  CONSUMER_DB  file: URL;  GROUP;  IDLE_MS
//   HANG          "before-commit": apply inside the transaction, then hang (never commits)
//                 "after-commit":  commit, then hang before the bus acknowledges
//                 unset:           behave normally
// It prints one line per step so the test knows when to SIGKILL it; SIGTERM stops it gracefully.

const loc = JSON.parse(process.env.BUS_LOCATION ?? "{}") as BusLocation;
const hang = process.env.HANG ?? "";
const group = process.env.GROUP ?? "stock";
const forever = () => new Promise<void>(() => {});

const db = await openConsumerDb(process.env.CONSUMER_DB ?? "");
const bus = await openBusAt(loc);
bus.subscribe(
	group,
	["order.placed"],
	async (event, delivery) => {
		console.log(`DELIVERED ${event.id} ${delivery.deliveries}`);
		const outcome = await reserveOnce(
			db,
			event,
			hang === "before-commit"
				? async () => {
						console.log(`HANDLING ${event.id}`);
						await forever();
					}
				: undefined,
		);
		if (hang === "after-commit") {
			console.log(`APPLIED-UNACKED ${event.id}`);
			await forever();
		}
		console.log(`APPLIED ${event.id} ${outcome.applied}`);
	},
	{ idleTimeoutMs: Number(process.env.IDLE_MS ?? 300), pollMs: 50, backoffMs: 50 },
);
await bus.start();
console.log("READY");

process.on("SIGTERM", async () => {
	await bus.stop();
	db.close();
	console.log("STOPPED");
	process.exit(0);
});

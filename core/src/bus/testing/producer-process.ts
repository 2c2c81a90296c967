import { BusRelay } from "../relay";
import { type BusLocation, openBusAt, openProducerDb, placeOrder } from "./fixtures";

// A producer in its own process that dies at a chosen point, for the crash tests. Env:
//   BUS_LOCATION  JSON BusLocation;  PRODUCER_DB  file: URL;  LEASE_MS
//   CRASH  "after-commit":  the order and its event are committed, the relay never ran
//          "after-publish": the relay published the batch but died before marking it sent

const loc = JSON.parse(process.env.BUS_LOCATION ?? "{}") as BusLocation;
const db = await openProducerDb(process.env.PRODUCER_DB ?? "");
const event = await placeOrder(db, "SKU-CRASH", 3);
console.log(`COMMITTED ${event.id}`);
if (process.env.CRASH === "after-publish") {
	const bus = await openBusAt(loc);
	const relay = new BusRelay({ database: db, bus, leaseMs: Number(process.env.LEASE_MS ?? 300) });
	const batch = await relay.claim();
	await bus.publish(batch.events);
	console.log(`PUBLISHED ${batch.events.length}`);
}
process.kill(process.pid, "SIGKILL");

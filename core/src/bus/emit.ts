import { EventEnvelope, EventInput } from "@bazaar/contracts/bus";
import { newId } from "@bazaar/ids";
import { sql } from "drizzle-orm";
import { prepared, type TxDb } from "../lib/db";
import { eventOrigin } from "../observability/propagation";
import { busOutbox } from "./schema";

// Every event of every module is one insert: built once per connection.
const statements = prepared((tx: TxDb) => ({
	insert: tx
		.insert(busOutbox)
		.values({
			id: sql.placeholder("id"),
			type: sql.placeholder("type"),
			key: sql.placeholder("key"),
			payload: sql.placeholder("payload"),
			createdAt: sql.placeholder("createdAt"),
		})
		.prepare(),
}));

/**
 * Records an event in the caller's write transaction (transactional outbox): it exists if and
 * only if the change it describes committed. A BusRelay on the same database sends it after the
 * commit (it wakes on the database's commits).
 * It carries the current request id and trace context, so its consumers continue both.
 * An invalid event is a programming error and throws, which rolls the caller's change back.
 */
export async function emit(tx: TxDb, input: EventInput): Promise<EventEnvelope> {
	const parsed = EventInput.parse(input);
	const event = EventEnvelope.parse({
		// The request and trace it happens in, unless the producer names them (a replay, an import).
		...eventOrigin(),
		...parsed,
		id: parsed.id ?? newId("evt"),
		occurredAt: parsed.occurredAt ?? new Date().toISOString(),
	});
	await statements(tx).insert.run({
		id: event.id,
		type: event.type,
		key: event.key,
		payload: JSON.stringify(event),
		createdAt: event.occurredAt,
	});
	return event;
}

import { EventEnvelope, EventInput } from "@bazaar/contracts/bus";
import { newId } from "@bazaar/ids";
import type { TxDb } from "../lib/db";
import { busOutbox } from "./schema";

/**
 * Records an event in the caller's write transaction (transactional outbox): it exists if and
 * only if the change it describes committed. A BusRelay on the same database sends it after the
 * commit; call `relay.kick()` after committing to send it at once instead of at the next poll.
 * An invalid event is a programming error and throws, which rolls the caller's change back.
 */
export async function emit(tx: TxDb, input: EventInput): Promise<EventEnvelope> {
	const parsed = EventInput.parse(input);
	const event = EventEnvelope.parse({
		...parsed,
		id: parsed.id ?? newId("evt"),
		occurredAt: parsed.occurredAt ?? new Date().toISOString(),
	});
	await tx.insert(busOutbox).values({
		id: event.id,
		type: event.type,
		key: event.key,
		payload: JSON.stringify(event),
		createdAt: event.occurredAt,
	});
	return event;
}

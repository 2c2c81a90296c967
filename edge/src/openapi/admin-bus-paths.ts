import { DeadLetterQuery } from "@bazaar/contracts/bus";
import { type Json, listParams, pathParam, problem } from "./parts";
import { readsTakeNoBody, staffOp } from "./staff";

// The admin API's bus area (core /bus/admin/*, core/src/bus/routes.ts): the dead letters —
// events a consumer group gave up on after its retries (each is also logged at error level) —
// and putting one back for its group once the cause is fixed.

const bus = staffOp("bus");

export function adminBusPaths(): Record<string, Json> {
	return readsTakeNoBody({
		"/api/admin/bus/dead-letters": {
			get: bus(
				"Dead letters",
				{
					parameters: listParams(DeadLetterQuery, {
						group:
							"Only this consumer group's (e.g. `order`, `order-refunds`, `inventory`, `payment-conflicts`); all groups when absent.",
						type: "Only events of this type (e.g. `order.paid`).",
					}),
				},
				[
					"200",
					"DeadLetterList",
					"Each dead event with its group, delivery count, last error and when it died; none: an empty list.",
				],
				{ "400": problem("A malformed group or type, a limit over 100, or a cursor this list did not give out.") },
			),
		},
		"/api/admin/bus/dead-letters/{group}/{id}/replay": {
			post: bus(
				"Replay a dead letter",
				{
					description:
						"Role: admin. Delivers the dead event again to its group only (the other groups do not see it twice), with a fresh delivery count. No body.",
					parameters: [
						pathParam("group", "The consumer group."),
						pathParam("id", "The dead letter's id, from the list."),
					],
				},
				["200", "DeadLetterReplayed", "It is back in its group's queue."],
				{ "404": problem("No such dead letter (already replayed, or never there).") },
			),
		},
	});
}

import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { DeadLetterList, DeadLetterQuery, DeadLetterReplayed } from "../bus";
import { answer, problem } from "./kit";

// The bus area (core /bus/admin/*, edge /api/admin/bus/*): the dead letters — events a consumer
// group gave up on after its retries — and putting one back for its group once the cause is fixed.

export const listDeadLetters = createRoute({
	method: "get",
	path: "/dead-letters",
	summary: "Dead letters",
	description:
		"Role: admin. Each dead event with its group, delivery count, last error and when it died, newest first.",
	request: { query: DeadLetterQuery },
	responses: {
		200: answer(DeadLetterList, "A page of dead letters; none: an empty list."),
		400: problem("A malformed group or type, a limit over 100, or a cursor this list did not give out."),
	},
});

export const replayDeadLetter = createRoute({
	method: "post",
	path: "/dead-letters/{group}/{id}/replay",
	summary: "Replay a dead letter",
	description:
		"Role: admin. Delivers the dead event again to its group only (the other groups do not see it twice), with a fresh delivery count. No body.",
	// Checked by the handler: a group or id of the wrong shape is the same 404 as one that names nothing.
	request: { params: z.object({ group: z.string(), id: z.string() }) },
	responses: {
		200: answer(DeadLetterReplayed, "It is back in its group's queue."),
		404: problem("No such dead letter (already replayed, or never there)."),
	},
});

export const BUS_ADMIN_ROUTES = [listDeadLetters, replayDeadLetter];

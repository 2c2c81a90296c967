import { TicketInput, TicketReceipt } from "@bazaar/contracts/support";
import { createRoute } from "@hono/zod-openapi";
import { forwardAsCaller } from "../lib/core-forward";
import { apiWriteGuard } from "../middleware/api-write";
import { bufferBody } from "../middleware/body";
import {
	apiRouter,
	body,
	COOKIE_WRITE_RULE,
	coreTrouble,
	csrfProblems,
	json,
	passThrough,
	problem,
	SESSION_OR_NONE,
} from "../openapi/route-kit";
import { loadSession } from "../session/middleware";

// A message left for the support team when no agent is online (the chat widget's form, or any
// client): a signed-in shopper's goes with their account, a guest's needs an email. The body goes
// to the core as sent: its support module validates it, rate limits it per sender and address,
// and staff answer it by mail. Same-site JSON only, like every API write (apiWriteGuard).

const MAX_BODY = 16 * 1024;

const leaveSupportTicket = createRoute({
	method: "post",
	path: "/",
	tags: ["support chat"],
	operationId: "leaveSupportTicket",
	summary: "Leave a message for the support team",
	description: `For when no agent is online (the chat widget offers it). A signed-in shopper's goes with their account (and its email unless another is given); a guest must give an email. Staff answer it by mail. At most 3 an hour per sender and 10 per address. ${COOKIE_WRITE_RULE}`,
	security: SESSION_OR_NONE,
	request: {
		body: body(TicketInput, {
			message: "Hello, I have a question about the delivery time of my order.",
			subject: "Delivery time",
		}),
	},
	responses: {
		201: json(TicketReceipt, "The ticket's id and state (`open`)."),
		400: problem("No email from a guest, a message under 5 or over 5,000 characters, an unknown field."),
		413: problem("A body over 16 KiB."),
		429: problem("Too many messages from this sender or address; `Retry-After` says when to try again."),
		...csrfProblems,
		...coreTrouble,
	},
});

export const apiSupportTickets = apiRouter();
apiSupportTickets.use("*", loadSession, apiWriteGuard, bufferBody(MAX_BODY));
passThrough(apiSupportTickets, leaveSupportTicket, (c) => forwardAsCaller(c, "POST", "/support/tickets"));

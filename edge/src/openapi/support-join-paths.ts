import {
	bodyOf,
	COOKIE_WRITE_RULE,
	coreTrouble,
	csrfProblems,
	type Json,
	json,
	problem,
	SESSION_OR_NONE,
} from "./parts";

// Support chat (edge/src/routes/api-support-join.ts): a ticket for one WebSocket connection to a
// support room. The frames exchanged on that connection are the `@bazaar/contracts/chat` unions.

export function supportJoinPaths(): Record<string, Json> {
	return {
		"/api/support/join": {
			post: {
				tags: ["support chat"],
				operationId: "joinSupportChat",
				summary: "A ticket to connect to a support chat room",
				description: `A shopper (signed in, or a guest known by the cart cookie, which is set here if missing) sends \`{}\` and gets their open conversation or a new one. Support staff (support_agent, admin) send \`{"target":"lobby"}\` for the agents' lobby, or \`{"conversationId"}\` for a conversation they have claimed. Connect within a minute, once, to \`/parties/{party}/{room}?ticket=…\` from this shop's own origin (a WebSocket; partysocket's \`query\` as a function fetches a fresh ticket per connection). ${COOKIE_WRITE_RULE}`,
				security: SESSION_OR_NONE,
				requestBody: bodyOf("SupportJoinRequest", false),
				responses: {
					"200": json(
						"SupportJoinAnswer",
						"The ticket, the party and room to connect to, and when the ticket expires.",
					),
					"400": problem("A body that is not JSON or not a join request."),
					"401": problem("The lobby without signing in, or a bearer token that is not a live session."),
					...csrfProblems,
					"403": problem(
						"The lobby or a conversation for someone who is not support staff or has not claimed it; or sent from another site's page without a bearer token.",
					),
					"404": problem("A conversation id that is not the shopper's open conversation."),
					"413": problem("A body over 1 KiB."),
					"429": problem("Too many tickets for this person; `Retry-After`."),
					...coreTrouble,
				},
			},
		},
	};
}

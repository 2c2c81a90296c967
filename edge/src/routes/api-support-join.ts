import {
	type ChatTicketClaims,
	SUPPORT_LOBBY_PARTY,
	SUPPORT_LOBBY_ROOM,
	SUPPORT_ROOM_PARTY,
	SupportJoinAnswer,
	SupportJoinRequest,
} from "@bazaar/contracts/chat";
import { signChatTicket } from "@bazaar/signature/chat";
import { createRoute } from "@hono/zod-openapi";
import { ensureGuestToken } from "../cart/guest";
import type { AppContext } from "../env";
import { hex, sha256Hex, utf8 } from "../lib/bytes";
import { callerOf } from "../lib/core-call";
import { identity } from "../lib/identity";
import { apiProblem } from "../lib/problems";
import { apiWriteGuard } from "../middleware/api-write";
import { bufferBody, optionalJsonBody } from "../middleware/body";
import {
	apiRouter,
	body,
	COOKIE_WRITE_RULE,
	coreTrouble,
	csrfProblems,
	json,
	problem,
	SESSION_OR_NONE,
} from "../openapi/route-kit";
import { loadSession } from "../session/middleware";
import type { ActiveSession } from "../session/store";

// POST /api/support/join: a ticket for one WebSocket connection to one support room (DESIGN.md,
// data flow 5), good for TICKET_TTL_MS and once. A shopper (signed in, or a guest known by the
// cart cookie, minted here if they have none) gets their own open conversation, or a new one;
// nobody gets a ticket for someone else's. Staff (support_agent, admin) get the agents' lobby, or
// a conversation the lobby says they have. The ticket goes in the connection's URL, which is why
// it lives a minute and opens one connection: a long-lived credential never appears in a URL.

export const TICKET_TTL_MS = 60_000;
const STAFF_ROLES = ["support_agent", "admin"];
const MAX_BODY_BYTES = 1024;

type Person = Pick<ChatTicketClaims, "sub" | "name" | "customerId" | "guestId">;

const joinSupportChat = createRoute({
	method: "post",
	path: "/",
	tags: ["support chat"],
	operationId: "joinSupportChat",
	summary: "A ticket to connect to a support chat room",
	description: `A shopper (signed in, or a guest known by the cart cookie, which is set here if missing) sends \`{}\` and gets their open conversation or a new one. Support staff (support_agent, admin) send \`{"target":"lobby"}\` for the agents' lobby, or \`{"conversationId"}\` for a conversation they have claimed. Connect within a minute, once, to \`/parties/{party}/{room}?ticket=…\` from this shop's own origin (a WebSocket; partysocket's \`query\` as a function fetches a fresh ticket per connection). The body is optional (none is \`{}\`). ${COOKIE_WRITE_RULE}`,
	security: SESSION_OR_NONE,
	middleware: [bufferBody(MAX_BODY_BYTES), optionalJsonBody],
	request: { body: body(SupportJoinRequest, {}, false) },
	responses: {
		200: json(SupportJoinAnswer, "The ticket, the party and room to connect to, and when the ticket expires."),
		400: problem("A body that is not JSON or not a join request."),
		401: problem("The lobby without signing in, or a bearer token that is not a live session."),
		...csrfProblems,
		403: problem(
			"The lobby or a conversation for someone who is not support staff or has not claimed it; or sent from another site's page without a bearer token.",
		),
		404: problem("A conversation id that is not the shopper's open conversation."),
		413: problem("A body over 1 KiB."),
		429: problem("Too many tickets for this person; `Retry-After`."),
		...coreTrouble,
	},
});

export const apiSupportJoin = apiRouter();
apiSupportJoin.use("*", loadSession, apiWriteGuard, async (c, next) => {
	await next();
	c.res.headers.set("cache-control", "no-store");
});
apiSupportJoin.openapi(joinSupportChat, async (c) => {
	// No body at all (a bearer client need not send one) is `{}`.
	const body = c.req.valid("json") ?? SupportJoinRequest.parse({});
	const session = c.get("session");
	const staff = session?.roles.some((r) => STAFF_ROLES.includes(r));
	if (body.target === "lobby") {
		if (!session)
			return apiProblem(401, "Sign in as support staff to open the lobby.", {}, { "www-authenticate": "Bearer" });
		if (!staff) return apiProblem(403, "The lobby is for support agents.");
	}
	const person = session ? await signedIn(c, session) : await guest(c);
	if (person instanceof Response) return person;
	const { success } = await c.env.SUPPORT_JOIN_LIMIT.limit({ key: person.sub });
	if (!success) return apiProblem(429, "Too many chat connections; wait a minute.", {}, { "retry-after": "60" });

	const lobby = c.env.SupportLobby.getByName(SUPPORT_LOBBY_ROOM);
	if (body.target === "lobby")
		return c.json(await ticket(c.env, "agent", SUPPORT_LOBBY_PARTY, SUPPORT_LOBBY_ROOM, person));
	if (body.conversationId !== undefined) {
		const id = body.conversationId;
		if (staff && (await lobby.assignedAgent(id)) === person.sub) {
			return c.json(await ticket(c.env, "agent", SUPPORT_ROOM_PARTY, id, person));
		}
		if ((await lobby.openConversationOf(person.sub)) !== id) {
			return staff
				? apiProblem(403, "This conversation is not yours: claim it in the lobby first.")
				: apiProblem(404, "You have no open conversation with this id.");
		}
		return c.json(await ticket(c.env, "shopper", SUPPORT_ROOM_PARTY, id, person));
	}
	const id = await lobby.openConversation({ sub: person.sub, name: person.name, customerId: person.customerId });
	return c.json(await ticket(c.env, "shopper", SUPPORT_ROOM_PARTY, id, person));
});

async function signedIn(c: AppContext, session: ActiveSession): Promise<Person | Response> {
	const profile = await identity.me(c.env, callerOf(c, session));
	if (!profile.ok && profile.status >= 500) return apiProblem(503, "The shop could not be reached. Try again shortly.");
	const name = profile.ok ? profile.value.name : "Shopper";
	return { sub: session.userId, name: name.slice(0, 80), customerId: session.userId, guestId: null };
}

/** A guest is their cart cookie: the id is derived from the token (never the token itself, which names the cart). */
async function guest(c: AppContext): Promise<Person> {
	const token = ensureGuestToken(c);
	const guestId = `guest_${(await sha256Hex(utf8(`support-guest\n${token}`))).slice(0, 26)}`;
	return { sub: guestId, name: `Guest ${guestId.slice(-4).toUpperCase()}`, customerId: null, guestId };
}

async function ticket(
	env: Env,
	kind: ChatTicketClaims["kind"],
	party: ChatTicketClaims["party"],
	room: string,
	person: Person,
): Promise<SupportJoinAnswer> {
	const exp = Date.now() + TICKET_TTL_MS;
	const nonce = hex(crypto.getRandomValues(new Uint8Array(16)).buffer);
	const claims: ChatTicketClaims = { v: 1, party, room, kind, ...person, exp, nonce };
	return {
		ticket: await signChatTicket(env.BAZAAR_SIGNING_SECRET, claims),
		party,
		room,
		...(party === SUPPORT_ROOM_PARTY ? { conversationId: room } : {}),
		expiresAt: new Date(exp).toISOString(),
	};
}

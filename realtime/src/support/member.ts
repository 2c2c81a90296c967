import { ChatTicketClaims } from "@bazaar/contracts/chat";
import type { Connection } from "partyserver";
import type { Member } from "./env";

// The gate (gate.ts) puts who a ticket admitted into this header of the upgrade request it
// forwards; it always overwrites whatever a client sent, so only a checked ticket can set it.
export const MEMBER_HEADER = "x-bazaar-chat-member";

const MemberClaims = ChatTicketClaims.pick({ kind: true, sub: true, name: true, customerId: true, guestId: true });

export function memberHeader(claims: ChatTicketClaims): string {
	const { kind, sub, name, customerId, guestId } = claims;
	return JSON.stringify({ kind, sub, name, customerId, guestId } satisfies Member);
}

/** The member the gate admitted with this upgrade request, or null when it was not through the gate. */
export function memberOfRequest(request: Request): Member | null {
	const header = request.headers.get(MEMBER_HEADER);
	if (!header) return null;
	try {
		const parsed = MemberClaims.safeParse(JSON.parse(header));
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}

/**
 * Who is on a connection, cached per object lifetime: the connection's state (its hibernation
 * attachment) is read once after a wake, not deserialised on every frame.
 */
export class Members<T extends Member = Member> {
	readonly #known = new Map<string, T>();

	/** Sets (or replaces) who is on the connection. */
	admit(connection: Connection, member: T): void {
		connection.setState(member);
		this.#known.set(connection.id, member);
	}

	of(connection: Connection): T | null {
		let member = this.#known.get(connection.id);
		if (!member) {
			member = (connection.state as T | null) ?? undefined;
			if (member) this.#known.set(connection.id, member);
		}
		return member ?? null;
	}

	forget(connection: Connection): void {
		this.#known.delete(connection.id);
	}
}

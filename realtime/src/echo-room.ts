import { type Connection, Server, type WSMessage } from "partyserver";

/** What the room tells everyone when someone joins or leaves. */
export type Presence = { type: "presence"; connections: number };

/**
 * The smallest useful room: every message goes straight back to its sender, and every
 * join or leave tells the whole room how many are connected. It proves the wiring
 * (Worker → partyserver → Durable Object → WebSocket) that the support chat will build on.
 */
export class EchoRoom extends Server {
	// Hibernation lets workerd evict the object between messages while sockets stay open,
	// so an idle room costs nothing; state therefore lives in the platform, not in fields.
	static override options = { hibernate: true };

	// The new socket is already open when this runs, so it receives its own join count too.
	override onConnect(): void {
		this.#announce(this.#openCount());
	}

	override onMessage(connection: Connection, message: WSMessage): void {
		connection.send(message);
	}

	override onClose(connection: Connection): void {
		// The closing socket may still be listed while its close handshake finishes.
		this.#announce(this.#openCount(connection.id));
	}

	override onError(connection: Connection): void {
		this.#announce(this.#openCount(connection.id));
	}

	#openCount(excluding?: string): number {
		let count = 0;
		for (const c of this.getConnections()) if (c.id !== excluding) count++;
		return count;
	}

	#announce(connections: number): void {
		const presence: Presence = { type: "presence", connections };
		this.broadcast(JSON.stringify(presence));
	}
}

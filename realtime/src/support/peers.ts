import type { Connection } from "partyserver";

// The room's open connections, kept in memory for sending. partyserver's broadcast asks the
// platform for every socket and deserialises each one's attachment (twice: to check it is a
// partyserver socket, then for its id) on every frame; a room sends on every message, so it keeps
// its own list instead. The list is read from the platform once per object lifetime (the first
// send after a wake from hibernation), then kept by onConnect/onClose; a socket that closed
// without onClose yet is skipped by its readyState.

export class Peers {
	#open: Map<string, Connection> | undefined;

	/** `listed` reads the open connections from the platform (the room's getConnections). */
	constructor(private readonly listed: () => Iterable<Connection>) {}

	add(connection: Connection): void {
		this.#all().set(connection.id, connection);
	}

	forget(connection: Connection): void {
		this.#open?.delete(connection.id);
	}

	/** Sends `frame` to every open connection but the one whose id is `except`. */
	send(frame: string, except?: string): void {
		for (const [id, c] of this.#all()) {
			if (id === except) continue;
			if (c.readyState !== WebSocket.READY_STATE_OPEN) continue;
			try {
				c.send(frame);
			} catch {
				// As partyserver's broadcast does: a socket that cannot take a frame is closed.
				c.close(1011, "Unexpected error");
			}
		}
	}

	#all(): Map<string, Connection> {
		if (!this.#open) {
			this.#open = new Map();
			for (const c of this.listed()) this.#open.set(c.id, c);
		}
		return this.#open;
	}
}

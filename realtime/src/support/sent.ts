// Which (sender, clientId) a room has stored, and under which id: how a resent text is recognised
// (partysocket resends what was not acknowledged after a reconnect). Kept in the object's memory
// rather than as a UNIQUE index on the messages table: the index cost a second B-tree write on
// every message, the room's hottest path, while the lookup it served is answered here. The map is
// read back from the table once per object lifetime (after a wake or an eviction), so the answer
// is the same as the index's: a conversation holds at most its entry cap (10,000 by default).

type Rows = () => Iterable<{ id: number; sender: string; client_id: string }>;

export class Sent {
	#ids: Map<string, number> | undefined;

	/** `stored` reads every stored (id, sender, client_id) from the room's table. */
	constructor(private readonly stored: Rows) {}

	/** The id `sender`'s `clientId` was stored under, if it was. */
	idOf(sender: string, clientId: string): number | undefined {
		return this.#all().get(key(sender, clientId));
	}

	/** Records a row the room has just written. */
	add(sender: string, clientId: string, id: number): void {
		this.#all().set(key(sender, clientId), id);
	}

	#all(): Map<string, number> {
		if (!this.#ids) {
			this.#ids = new Map();
			for (const r of this.stored()) this.#ids.set(key(r.sender, r.client_id), r.id);
		}
		return this.#ids;
	}
}

// A sender's id never holds a NUL, so the pair cannot be read two ways.
const key = (sender: string, clientId: string) => `${sender}\u0000${clientId}`;

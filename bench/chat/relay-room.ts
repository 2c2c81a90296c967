import { Peers } from "@bazaar/realtime";
import { type Connection, Server, type WSMessage } from "partyserver";

// The chat bench's floor for a durable room: the least any room can do that keeps the support
// room's promise (a message is stored before it is acknowledged, then delivered to the others):
// one SQLite insert, the copy to everyone else through the same connection list SupportRoom sends
// with, the ack to the sender. No ticket, no parsing beyond the client id, no de-duplication, no
// conversation state. What SupportRoom costs beyond this is ours; what this costs beyond EchoRoom
// is the price of storing and acknowledging. Bench only, never deployed.

export class DurableRelayRoom extends Server<Cloudflare.Env> {
	static override options = { hibernate: true };
	readonly #peers = new Peers(() => this.getConnections());
	#next = 0;

	override onStart(): void {
		const sql = this.ctx.storage.sql;
		sql.exec("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, entry TEXT NOT NULL)");
		this.#next = sql.exec<{ last: number }>("SELECT coalesce(max(id), 0) AS last FROM messages").one().last;
	}

	override onConnect(connection: Connection): void {
		this.#peers.add(connection);
	}

	override onClose(connection: Connection): void {
		this.#peers.forget(connection);
	}

	override onMessage(connection: Connection, message: WSMessage): void {
		const { clientId } = JSON.parse(String(message)) as { clientId: string };
		const id = ++this.#next;
		this.ctx.storage.sql.exec("INSERT INTO messages (id, entry) VALUES (?, ?)", id, message);
		// The copy before the ack, as SupportRoom does: the sender moves on when acknowledged.
		this.#peers.send(String(message), connection.id);
		connection.send(`{"type":"ack","clientId":${JSON.stringify(clientId)},"id":${id}}`);
	}
}

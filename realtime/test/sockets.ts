import { exports } from "cloudflare:workers";

/** Collects a socket's text messages so a test can wait for the next one it cares about. */
export class Inbox {
	readonly #seen: string[] = [];
	readonly #waiters: Array<() => void> = [];

	push(data: string): void {
		this.#seen.push(data);
		for (const wake of this.#waiters.splice(0)) wake();
	}

	/** Resolves with (and consumes) the first message that matches, waiting up to `ms`. */
	async next(match: (data: string) => boolean = () => true, ms = 5_000): Promise<string> {
		const deadline = Date.now() + ms;
		for (;;) {
			const i = this.#seen.findIndex(match);
			if (i >= 0) return this.#seen.splice(i, 1)[0]!;
			const left = deadline - Date.now();
			if (left <= 0) throw new Error(`no matching message within ${ms} ms; saw ${JSON.stringify(this.#seen)}`);
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, left);
				this.#waiters.push(() => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
	}
}

export const isPresence = (n: number) => (data: string) =>
	data === JSON.stringify({ type: "presence", connections: n });

/** Upgrades through the Worker's own fetch handler, as a browser's request would arrive (with `headers`, e.g. its Origin). */
export async function connect(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
	const res = await exports.default.fetch(url.replace(/^ws/, "http"), {
		headers: { ...headers, Upgrade: "websocket" },
	});
	if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
	res.webSocket.accept();
	return res.webSocket;
}

/**
 * A browser-shaped WebSocket whose connection is made through the Worker's fetch handler.
 * Inside workerd there is no listening socket to dial, so this lets the real `partysocket`
 * client drive a real WebSocket pair end to end through `routePartykitRequest`.
 */
export class WorkerWebSocket extends EventTarget {
	static readonly CONNECTING = 0;
	static readonly OPEN = 1;
	static readonly CLOSING = 2;
	static readonly CLOSED = 3;
	readyState = WorkerWebSocket.CONNECTING;
	binaryType: "blob" | "arraybuffer" = "blob";
	readonly protocol = "";
	readonly extensions = "";
	readonly bufferedAmount = 0;
	#ws: WebSocket | undefined;

	constructor(
		readonly url: string,
		_protocols?: string | string[],
		headers: Record<string, string> = {},
	) {
		super();
		connect(url, headers).then(
			(ws) => {
				this.#ws = ws;
				ws.addEventListener("message", (e) => this.dispatchEvent(new MessageEvent("message", { data: e.data })));
				ws.addEventListener("close", (e) => {
					this.readyState = WorkerWebSocket.CLOSED;
					this.dispatchEvent(Object.assign(new Event("close"), { code: e.code, reason: e.reason }));
				});
				ws.addEventListener("error", () => this.dispatchEvent(new Event("error")));
				this.readyState = WorkerWebSocket.OPEN;
				this.dispatchEvent(new Event("open"));
			},
			(err: unknown) => {
				this.readyState = WorkerWebSocket.CLOSED;
				this.dispatchEvent(Object.assign(new Event("error"), { message: String(err) }));
			},
		);
	}

	send(data: string | ArrayBuffer | ArrayBufferView): void {
		this.#ws?.send(data);
	}

	close(code?: number, reason?: string): void {
		this.readyState = WorkerWebSocket.CLOSING;
		this.#ws?.close(code, reason);
	}
}

/** WorkerWebSocket whose upgrade requests carry `headers` (a browser sends its Origin on every connect). */
export function workerWebSocketWith(headers: Record<string, string>): typeof WebSocket {
	return class extends WorkerWebSocket {
		constructor(url: string, protocols?: string | string[]) {
			super(url, protocols, headers);
		}
	} as unknown as typeof WebSocket;
}

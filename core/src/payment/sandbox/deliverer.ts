import type { Client } from "@libsql/client";
import { withWriteLock } from "../../lib/db";
import { signPayload } from "./signature";

// The sandbox's webhook sender, like a real gateway's: each event is POSTed, signed, to our
// webhook endpoint until it answers 2xx, with exponential backoff between attempts. Events wait
// in sandbox_deliveries, so a restart loses none.

export interface DelivererOptions {
	client: Client;
	secret: string;
	webhookUrl: string;
	fetch?: typeof fetch;
	/** Clock in ms (signatures use its seconds). */
	now?: () => number;
	pollMs?: number;
	minBackoffMs?: number;
	maxBackoffMs?: number;
}

export class WebhookDeliverer {
	private readonly o: Required<Omit<DelivererOptions, "fetch">> & { fetch: typeof fetch };
	private timer: ReturnType<typeof setTimeout> | null = null;
	private running = false;
	private tail: Promise<void> = Promise.resolve();
	readonly stats = { delivered: 0, failedAttempts: 0 };

	constructor(options: DelivererOptions) {
		this.o = {
			fetch: options.fetch ?? fetch,
			now: Date.now,
			pollMs: 1_000,
			minBackoffMs: 200,
			maxBackoffMs: 60_000,
			...(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as DelivererOptions),
		} as WebhookDeliverer["o"];
	}

	start(): void {
		if (this.running) return;
		this.running = true;
		this.schedule(0);
	}

	async stop(): Promise<void> {
		this.running = false;
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		await this.tail.catch(() => undefined);
	}

	/** Sends what is due now; resolves when this round is over (one round at a time). */
	kick(): Promise<void> {
		const run = this.tail.catch(() => undefined).then(() => this.deliverDue());
		this.tail = run.catch(() => undefined);
		return run;
	}

	private schedule(ms: number): void {
		if (!this.running) return;
		this.timer = setTimeout(() => {
			this.kick()
				.catch((err) => console.error("sandbox webhook delivery failed:", err))
				.finally(() => this.schedule(this.o.pollMs));
		}, ms);
	}

	private async deliverDue(): Promise<void> {
		const now = this.o.now();
		const due = await this.o.client.execute({
			sql: `SELECT seq, body, attempts FROM sandbox_deliveries
				WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY seq LIMIT 20`,
			args: [now],
		});
		// A round's events go out together, like a real gateway's senders: webhooks are unordered
		// anyway, and one slow delivery must not hold up the approvals queued behind it.
		await Promise.all(
			due.rows.map((row) => this.deliverOne(Number(row.seq), String(row.body), Number(row.attempts) + 1)),
		);
	}

	private async deliverOne(seq: number, body: string, attempts: number): Promise<void> {
		let error: string | null = null;
		try {
			const res = await this.o.fetch(this.o.webhookUrl, {
				method: "POST",
				headers: {
					"content-type": "application/json",
					"sandbox-signature": signPayload(this.o.secret, body, Math.floor(this.o.now() / 1000)),
				},
				body,
				signal: AbortSignal.timeout(10_000),
			});
			await res.arrayBuffer().catch(() => undefined);
			if (!res.ok) error = `HTTP ${res.status}`;
		} catch (err) {
			error = err instanceof Error ? err.message : String(err);
		}
		if (error === null) this.stats.delivered++;
		else this.stats.failedAttempts++;
		const backoff = Math.min(this.o.maxBackoffMs, this.o.minBackoffMs * 2 ** (attempts - 1));
		await withWriteLock(this.o.client, () =>
			this.o.client.execute({
				sql: `UPDATE sandbox_deliveries SET attempts = ?, last_error = ?,
					delivered_at = CASE WHEN ? IS NULL THEN ? ELSE NULL END, next_attempt_at = ? WHERE seq = ?`,
				args: [attempts, error, error, this.o.now(), this.o.now() + backoff, seq],
			}),
		);
	}
}

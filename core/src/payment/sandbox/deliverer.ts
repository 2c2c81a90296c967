import { sql } from "drizzle-orm";
import type { Database } from "../../lib/db";
import { signPayload } from "./signature";

// The sandbox's webhook sender, like a real gateway's: each event is POSTed, signed, to our
// webhook endpoint until it answers 2xx, with exponential backoff between attempts. Events wait
// in sandbox_deliveries, so a restart loses none.

export interface DelivererOptions {
	database: Database<Record<string, unknown>>;
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
		const due = await this.o.database.db.all<{ seq: number; body: string; attempts: number }>(
			sql`SELECT seq, body, attempts FROM sandbox_deliveries
				WHERE delivered_at IS NULL AND next_attempt_at <= ${now} ORDER BY seq LIMIT 20`,
		);
		// A round's events go out together, like a real gateway's senders: webhooks are unordered
		// anyway, and one slow delivery must not hold up the approvals queued behind it.
		await Promise.all(due.map((row) => this.deliverOne(Number(row.seq), String(row.body), Number(row.attempts) + 1)));
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
		const now = this.o.now();
		await this.o.database.write((tx) =>
			tx.run(sql`UPDATE sandbox_deliveries SET attempts = ${attempts}, last_error = ${error},
				delivered_at = ${error === null ? now : null}, next_attempt_at = ${now + backoff} WHERE seq = ${seq}`),
		);
	}
}

import { and, asc, eq, isNull, lte, or, sql } from "drizzle-orm";
import type { Database, TxDb } from "../lib/db";
import type { MailTransport, OutgoingMail } from "./mail-transport";
import { type IdentitySchema, mailOutbox } from "./schema";

// The transactional mail outbox: a message is a row written in the same transaction as what
// it announces (a reset token), then delivered after the commit. A failed delivery is retried
// with backoff; each attempt first leases the row, so two core instances never send it twice.

export interface MailOutboxOptions {
	pollMs?: number;
	maxAttempts?: number;
	leaseMs?: number;
	batchSize?: number;
}

export interface NewMail {
	to: string;
	subject: string;
	text: string;
	html?: string | null;
}

export class MailOutbox {
	private timer: ReturnType<typeof setInterval> | null = null;
	private running: Promise<number> | null = null;
	private readonly maxAttempts: number;
	private readonly leaseMs: number;
	private readonly batchSize: number;

	constructor(
		private readonly database: Database<IdentitySchema>,
		readonly transport: MailTransport,
		private readonly options: MailOutboxOptions = {},
	) {
		this.maxAttempts = options.maxAttempts ?? 8;
		this.leaseMs = options.leaseMs ?? 60_000;
		this.batchSize = options.batchSize ?? 20;
	}

	private write<T>(fn: (tx: TxDb) => T | Promise<T>): Promise<T> {
		return this.database.write(fn);
	}

	/** Queues a message inside the caller's write transaction. */
	async enqueue(tx: TxDb, mail: NewMail & { id: string }): Promise<void> {
		await tx.insert(mailOutbox).values({
			id: mail.id,
			to: mail.to,
			subject: mail.subject,
			text: mail.text,
			html: mail.html ?? null,
			createdAt: new Date().toISOString(),
		});
	}

	/** Delivers what is due now, in the background (callers must not wait on an SMTP server). */
	kick(): void {
		this.flush().catch((err) => console.error("mail outbox flush failed:", err));
	}

	/** Delivers every due message; resolves with how many were sent. */
	async flush(): Promise<number> {
		// One pass at a time per instance; a kick during a pass waits for it and runs again.
		while (this.running) await this.running.catch(() => 0);
		this.running = this.pass();
		try {
			return await this.running;
		} finally {
			this.running = null;
		}
	}

	private async pass(): Promise<number> {
		let sent = 0;
		for (;;) {
			const now = new Date();
			const due = await this.database.db
				.select()
				.from(mailOutbox)
				.where(
					and(
						isNull(mailOutbox.sentAt),
						lte(mailOutbox.attempts, this.maxAttempts - 1),
						or(isNull(mailOutbox.nextAttemptAt), lte(mailOutbox.nextAttemptAt, now.toISOString())),
					),
				)
				.orderBy(asc(mailOutbox.createdAt))
				.limit(this.batchSize);
			if (due.length === 0) return sent;
			let progressed = 0;
			for (const row of due) {
				if (!(await this.lease(row.id, row.nextAttemptAt))) continue;
				progressed++;
				if (await this.deliver(row)) sent++;
			}
			if (progressed === 0 || due.length < this.batchSize) return sent;
		}
	}

	/** Claims a row for one attempt (a compare-and-set on its next attempt time). */
	private async lease(id: string, seen: string | null): Promise<boolean> {
		const until = new Date(Date.now() + this.leaseMs).toISOString();
		const claimed = await this.write((tx) =>
			tx
				.update(mailOutbox)
				.set({ nextAttemptAt: until })
				.where(
					and(
						eq(mailOutbox.id, id),
						isNull(mailOutbox.sentAt),
						seen === null ? isNull(mailOutbox.nextAttemptAt) : eq(mailOutbox.nextAttemptAt, seen),
					),
				)
				.returning({ id: mailOutbox.id }),
		);
		return claimed.length === 1;
	}

	private async deliver(row: OutgoingMail & { attempts: number }): Promise<boolean> {
		try {
			await this.transport.send(row);
			await this.write((tx) =>
				tx
					.update(mailOutbox)
					.set({ sentAt: new Date().toISOString(), attempts: sql`${mailOutbox.attempts} + 1`, lastError: null })
					.where(eq(mailOutbox.id, row.id)),
			);
			return true;
		} catch (err) {
			const attempts = row.attempts + 1;
			const backoffMs = Math.min(3_600_000, 5_000 * 2 ** (attempts - 1));
			await this.write((tx) =>
				tx
					.update(mailOutbox)
					.set({
						attempts,
						lastError: String((err as Error).message ?? err).slice(0, 500),
						nextAttemptAt: new Date(Date.now() + backoffMs).toISOString(),
					})
					.where(eq(mailOutbox.id, row.id)),
			);
			// The address is personal data and the body holds a token: log neither.
			console.warn(`mail ${row.id} not delivered (attempt ${attempts}): ${(err as Error).message}`);
			return false;
		}
	}

	start(): void {
		if (this.timer) return;
		this.timer = setInterval(() => this.kick(), this.options.pollMs ?? 5_000);
		this.timer.unref?.();
	}

	async stop(): Promise<void> {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
		await this.running?.catch(() => 0);
		await this.transport.close?.();
	}
}

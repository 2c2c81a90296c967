import { eq, sql } from "drizzle-orm";
import { emit } from "../bus/emit";
import type { Database, TxDb } from "../lib/db";
import type { MailAttachment, MailTransport } from "./mail-transport";
import { type IdentitySchema, mailOutbox } from "./schema";

// The transactional mail outbox: a message is a row written in the same transaction as what it
// announces (a reset token, a sign-up link) — the row is also what the dev mailbox shows — and an
// `identity.mail_queued` event beside it on the bus. The bus's mailer consumer (workflows) calls
// `send`; a failed delivery is thrown back, so the bus retries it with backoff, one consumer at a
// time, and dead-letters it (for an admin to see and replay) after the last attempt.

export const MAIL_QUEUED = "identity.mail_queued";

export interface NewMail {
	to: string;
	subject: string;
	text: string;
	html?: string | null;
	attachments?: MailAttachment[] | null;
}

export class MailOutbox {
	constructor(
		private readonly database: Database<IdentitySchema>,
		readonly transport: MailTransport,
	) {}

	/** Queues a message inside the caller's write transaction. */
	async enqueue(tx: TxDb, mail: NewMail & { id: string }): Promise<void> {
		await tx.insert(mailOutbox).values({
			id: mail.id,
			to: mail.to,
			subject: mail.subject,
			text: mail.text,
			html: mail.html ?? null,
			attachments: mail.attachments?.length ? mail.attachments : null,
			createdAt: new Date().toISOString(),
		});
		// The event names the message only: its address and text (a token) stay in this database.
		await emit(tx, { type: MAIL_QUEUED, source: "identity", key: mail.id, data: { mailId: mail.id } });
	}

	/**
	 * Delivers one queued message (the mailer consumer). Sent already: nothing to do. A failure is
	 * recorded on the row and thrown, so the bus retries it.
	 */
	async send(mailId: string): Promise<"sent" | "already_sent" | "unknown"> {
		const [row] = await this.database.db.select().from(mailOutbox).where(eq(mailOutbox.id, mailId));
		if (!row) return "unknown";
		if (row.sentAt !== null) return "already_sent";
		try {
			await this.transport.send(row);
		} catch (err) {
			const message = String((err as Error).message ?? err).slice(0, 500);
			await this.database.write((tx) =>
				tx
					.update(mailOutbox)
					.set({ attempts: sql`${mailOutbox.attempts} + 1`, lastError: message })
					.where(eq(mailOutbox.id, mailId)),
			);
			// The address is personal data and the body holds a token: log neither.
			throw new Error(`mail ${mailId} not delivered: ${message}`);
		}
		await this.database.write((tx) =>
			tx
				.update(mailOutbox)
				.set({ sentAt: new Date().toISOString(), attempts: sql`${mailOutbox.attempts} + 1`, lastError: null })
				.where(eq(mailOutbox.id, mailId)),
		);
		return "sent";
	}

	async close(): Promise<void> {
		await this.transport.close?.();
	}
}

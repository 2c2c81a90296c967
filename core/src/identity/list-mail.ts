import type { MailMessage } from "@bazaar/contracts/identity";
import { desc, eq, sql } from "drizzle-orm";
import { NotFoundError } from "../lib/errors";
import type { Identity } from "./context";
import { normalizeEmail } from "./password";
import { mailOutbox } from "./schema";

// The dev mailbox (`/dev/mail` at the edge). It shows reset links, so the routes serve it only
// while the dev outbox is the transport: with SMTP configured it does not exist.

type Row = typeof mailOutbox.$inferSelect;
const toMessage = (r: Row): MailMessage => ({
	id: r.id,
	to: r.to,
	subject: r.subject,
	text: r.text,
	html: r.html,
	createdAt: r.createdAt,
	sentAt: r.sentAt,
});

export async function listMail(
	identity: Identity,
	options: { to?: string; limit?: number } = {},
): Promise<{ items: MailMessage[] }> {
	const rows = await identity.database.db
		.select()
		.from(mailOutbox)
		// Recipients are stored as the user typed them; the dev page filters case-insensitively.
		.where(options.to ? sql`lower(${mailOutbox.to}) = ${normalizeEmail(options.to)}` : undefined)
		.orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
		.limit(options.limit ?? 50);
	return { items: rows.map(toMessage) };
}

export async function getMail(identity: Identity, id: string): Promise<MailMessage> {
	const [row] = await identity.database.db.select().from(mailOutbox).where(eq(mailOutbox.id, id)).limit(1);
	if (!row) throw new NotFoundError("The message");
	return toMessage(row);
}

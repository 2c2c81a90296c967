import {
	type Ticket,
	TicketAnswerInput,
	TicketInput,
	type TicketList,
	TicketListQuery,
	type TicketReceipt,
	type TicketStatus,
} from "@bazaar/contracts/support";
import { newId } from "@bazaar/ids";
import { sql } from "drizzle-orm";
import { emit } from "../bus/emit";
import { RateLimitedError, type RateRule } from "../identity/rate-limit";
import type { TxDb } from "../lib/db";
import { NotFoundError, ValidationError } from "../lib/errors";
import { iso, type SupportContext, supportWrite } from "./context";

// Tickets: the message a shopper leaves when no agent is online, answered later by staff by
// mail. An answer is stored with a `support.ticket_answered` event in the same transaction; the
// mail workflow (workflows/support-mail.ts) puts it in the identity module's mail outbox exactly
// once, and the core's one mailer sends it. Leaving one takes from the core's one rate limiter,
// per shopper (or email) and per address, so the form is no way to flood the team or an inbox.

export const TICKET_ANSWERED = "support.ticket_answered";
export const TICKETS_PER_SENDER: RateRule = { capacity: 3, windowMs: 3_600_000 };
export const TICKETS_PER_IP: RateRule = { capacity: 10, windowMs: 3_600_000 };

export interface TicketSender {
	/** The signed-in shopper, or "" for a guest. */
	user: string;
	ip?: string | undefined;
}

interface TicketRow {
	id: string;
	customer_id: string | null;
	email: string;
	name: string | null;
	subject: string;
	message: string;
	conversation_id: string | null;
	status: TicketStatus;
	created_at: string;
	updated_at: string;
}

const toTicket = (r: TicketRow): Omit<Ticket, "replies"> => ({
	id: r.id,
	customerId: r.customer_id,
	email: r.email,
	name: r.name,
	subject: r.subject,
	message: r.message,
	conversationId: r.conversation_id,
	status: r.status,
	createdAt: r.created_at,
	updatedAt: r.updated_at,
});

export async function createTicket(ctx: SupportContext, raw: unknown, sender: TicketSender): Promise<TicketReceipt> {
	const input = TicketInput.parse(raw);
	const email = input.email ?? (sender.user ? await ctx.people.emailOf(sender.user) : null);
	if (!email) {
		throw new ValidationError("Leave an email address, so we can answer you.", [
			{ path: "email", message: "required without a signed-in account" },
		]);
	}
	const buckets = [{ key: `support-ticket:${sender.user || email}`, rule: TICKETS_PER_SENDER }];
	if (sender.ip) buckets.push({ key: `support-ticket-ip:${sender.ip}`, rule: TICKETS_PER_IP });
	const took = await ctx.limiter.take(buckets);
	if (!took.ok) throw new RateLimitedError(Math.max(1, Math.ceil(took.retryAfterMs / 1000)));

	const id = newId("tkt");
	const at = iso(ctx.now());
	const subject = input.subject ?? firstLine(input.message);
	await supportWrite(ctx, (tx) =>
		tx.run(sql`INSERT INTO support_tickets
				(id, customer_id, email, name, subject, message, conversation_id, status, created_at, updated_at)
			VALUES (${id}, ${sender.user || null}, ${email}, ${input.name ?? null}, ${subject}, ${input.message},
				${input.conversationId ?? null}, 'open', ${at}, ${at})`),
	);
	return { id, status: "open", createdAt: at };
}

function firstLine(message: string): string {
	const line = message.split("\n")[0]?.trim() ?? "";
	return line.length > 80 ? `${line.slice(0, 77)}…` : line;
}

async function loadTicket(db: Pick<TxDb, "all">, id: string): Promise<Ticket> {
	const [row] = await db.all<TicketRow>(sql`SELECT * FROM support_tickets WHERE id = ${id}`);
	if (!row) throw new NotFoundError("That ticket");
	const replies = await db.all<{ id: string; by: string; message: string; at: string }>(
		sql`SELECT id, by, message, at FROM support_ticket_replies WHERE ticket_id = ${id} ORDER BY at, id`,
	);
	return { ...toTicket(row), replies };
}

export const getTicket = (ctx: SupportContext, id: string) => loadTicket(ctx.database.db, id);

/** Staff: tickets newest first, optionally of one status, a page at a time (one query). */
export async function listTickets(ctx: SupportContext, rawQuery: unknown): Promise<TicketList> {
	const q = TicketListQuery.parse(rawQuery);
	const status = q.status ? sql` AND status = ${q.status}` : sql``;
	const after = q.cursor ? sql` AND id < ${q.cursor}` : sql``;
	const rows = await ctx.database.db.all<TicketRow>(
		sql`SELECT * FROM support_tickets WHERE 1 = 1${status}${after} ORDER BY id DESC LIMIT ${q.limit + 1}`,
	);
	const page = rows.slice(0, q.limit);
	return { items: page.map(toTicket), nextCursor: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null };
}

/** Staff answer a ticket: the reply is stored and mailed to the shopper (once, through the bus). */
export async function answerTicket(ctx: SupportContext, id: string, raw: unknown, actor: string): Promise<Ticket> {
	const input = TicketAnswerInput.parse(raw);
	const replyId = newId("tkr");
	const at = iso(ctx.now());
	return supportWrite(ctx, async (tx) => {
		const ticket = await loadTicket(tx, id);
		await tx.run(sql`INSERT INTO support_ticket_replies (id, ticket_id, by, message, at)
			VALUES (${replyId}, ${id}, ${actor}, ${input.message}, ${at})`);
		const status: TicketStatus = input.close ? "closed" : "answered";
		await tx.run(sql`UPDATE support_tickets SET status = ${status}, updated_at = ${at} WHERE id = ${id}`);
		await emit(tx, { type: TICKET_ANSWERED, source: "support", key: ticket.id, data: { ticketId: id, replyId } });
		return loadTicket(tx, id);
	});
}

export interface TicketMail {
	/** Made from the reply's id, so the mail is queued once whatever happens. */
	id: string;
	to: string;
	subject: string;
	text: string;
}

/** The mail that carries a reply to its shopper, or null when the reply is gone. */
export async function ticketMail(ctx: SupportContext, replyId: string): Promise<TicketMail | null> {
	const [row] = await ctx.database.db.all<{
		email: string;
		subject: string;
		original: string;
		message: string;
		name: string | null;
	}>(
		sql`SELECT t.email, t.subject, t.message AS original, r.message, t.name
			FROM support_ticket_replies r JOIN support_tickets t ON t.id = r.ticket_id WHERE r.id = ${replyId}`,
	);
	if (!row) return null;
	const quoted = row.original
		.split("\n")
		.map((l) => `> ${l}`)
		.join("\n");
	return {
		id: `mail_${replyId.slice("tkr_".length)}`,
		to: row.email,
		subject: `Re: ${row.subject}`,
		text: `${row.name ? `Hello ${row.name},` : "Hello,"}\n\n${row.message}\n\nYou wrote:\n${quoted}\n\n— Customer support`,
	};
}

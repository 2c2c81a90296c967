import { type ChatEntry, ConversationId, SupportTranscript } from "@bazaar/contracts/chat";
import {
	type ConversationList,
	ConversationSearchQuery,
	type ConversationSummary,
	type Transcript,
} from "@bazaar/contracts/support";
import { type SQL, sql } from "drizzle-orm";
import type { TxDb } from "../lib/db";
import { NotFoundError, ValidationError } from "../lib/errors";
import { iso, type SupportContext, supportWrite } from "./context";

// What outlives a room: a closed conversation's transcript, stored when the room closes and
// searched by staff by shopper (account id or email) or by an order it named. Storing is
// idempotent by conversation id — a room that retries, or closes twice, leaves one transcript,
// the last one sent (a room only ever adds to its history) — and atomic with its index rows.

const ORDER_ID = /\bord_[0-9A-Z]{26}\b/gi;
const PREVIEW_CHARS = 200;

interface ConversationRow {
	id: string;
	customer_id: string | null;
	guest_id: string | null;
	opened_at: string;
	closed_at: string;
	agent_ids: string;
	message_count: number;
	preview: string;
	order_ids: string | null;
}

const toSummary = (r: ConversationRow): ConversationSummary => ({
	id: r.id,
	customerId: r.customer_id,
	guestId: r.guest_id,
	openedAt: r.opened_at,
	closedAt: r.closed_at,
	agentIds: JSON.parse(r.agent_ids) as string[],
	messageCount: r.message_count,
	orderIds: r.order_ids ? r.order_ids.split(",").sort() : [],
	preview: r.preview,
});

/** Orders an entry names: in its words (any case, as a shopper types it) or the bot's order cards. */
function ordersNamed(entry: ChatEntry): string[] {
	if (entry.type !== "text") return [];
	const inText = [...entry.text.matchAll(ORDER_ID)].map((m) => `ord_${m[0].slice(4).toUpperCase()}`);
	const inCards = (entry.cards ?? []).flatMap((c) => (c.kind === "order" ? [c.orderId] : []));
	return [...inText, ...inCards];
}

export async function storeTranscript(
	ctx: SupportContext,
	id: string,
	raw: unknown,
): Promise<{ created: boolean; conversation: ConversationSummary }> {
	const conversationId = ConversationId.parse(id);
	const t = SupportTranscript.parse(raw);
	if (Number.isNaN(Date.parse(t.openedAt)) || Number.isNaN(Date.parse(t.closedAt)) || t.closedAt < t.openedAt) {
		throw new ValidationError("openedAt and closedAt must be instants, closedAt not before openedAt.", [
			{ path: "closedAt", message: "an ISO 8601 instant not before openedAt" },
		]);
	}
	const seqs = new Set(t.messages.map((m) => m.id));
	if (seqs.size !== t.messages.length) {
		throw new ValidationError("Two messages of the transcript have the same id.", [
			{ path: "messages", message: "ids must be unique" },
		]);
	}
	const orderIds = [...new Set(t.messages.flatMap(ordersNamed))];
	const firstWords = t.messages.find((m) => m.type === "text" && m.author.kind === "shopper");
	const preview = firstWords?.type === "text" ? firstWords.text.slice(0, PREVIEW_CHARS) : "";
	const agentIds = [...new Set(t.agentIds)];
	const at = iso(ctx.now());
	return supportWrite(ctx, async (tx) => {
		const existed = (await tx.all(sql`SELECT 1 FROM support_conversations WHERE id = ${conversationId}`)).length > 0;
		await tx.run(sql`DELETE FROM support_messages WHERE conversation_id = ${conversationId}`);
		await tx.run(sql`DELETE FROM support_conversation_orders WHERE conversation_id = ${conversationId}`);
		await tx.run(sql`INSERT INTO support_conversations
				(id, customer_id, guest_id, opened_at, closed_at, agent_ids, message_count, preview, stored_at)
			VALUES (${conversationId}, ${t.customerId}, ${t.guestId}, ${t.openedAt}, ${t.closedAt},
				${JSON.stringify(agentIds)}, ${t.messages.length}, ${preview}, ${at})
			ON CONFLICT(id) DO UPDATE SET customer_id = excluded.customer_id, guest_id = excluded.guest_id,
				opened_at = excluded.opened_at, closed_at = excluded.closed_at, agent_ids = excluded.agent_ids,
				message_count = excluded.message_count, preview = excluded.preview, stored_at = excluded.stored_at`);
		// One statement per 200 rows, not one per message.
		for (let i = 0; i < t.messages.length; i += 200) {
			const chunk = t.messages.slice(i, i + 200);
			await tx.run(
				sql`INSERT INTO support_messages (conversation_id, seq, author, entry) VALUES ${sql.join(
					chunk.map(
						(m) =>
							sql`(${conversationId}, ${m.id}, ${m.type === "text" ? m.author.kind : "system"}, ${JSON.stringify(m)})`,
					),
					sql`, `,
				)}`,
			);
		}
		if (orderIds.length > 0) {
			await tx.run(
				sql`INSERT INTO support_conversation_orders (order_id, conversation_id, closed_at) VALUES ${sql.join(
					orderIds.map((o) => sql`(${o}, ${conversationId}, ${t.closedAt})`),
					sql`, `,
				)}`,
			);
		}
		const conversation = await loadSummary(tx, conversationId);
		if (!conversation) throw new Error(`conversation ${conversationId} vanished inside its own transaction`);
		return { created: !existed, conversation };
	});
}

const SUMMARY = sql.raw(`c.id, c.customer_id, c.guest_id, c.opened_at, c.closed_at, c.agent_ids, c.message_count,
	c.preview, (SELECT group_concat(order_id) FROM support_conversation_orders o WHERE o.conversation_id = c.id) AS order_ids`);

async function loadSummary(db: Pick<TxDb, "all">, id: string): Promise<ConversationSummary | null> {
	const [row] = await db.all<ConversationRow>(sql`SELECT ${SUMMARY} FROM support_conversations c WHERE c.id = ${id}`);
	return row ? toSummary(row) : null;
}

export async function getTranscript(ctx: SupportContext, id: string): Promise<Transcript> {
	const summary = ConversationId.safeParse(id).success ? await loadSummary(ctx.database.db, id) : null;
	if (!summary) throw new NotFoundError("That conversation");
	const rows = await ctx.database.db.all<{ entry: string }>(
		sql`SELECT entry FROM support_messages WHERE conversation_id = ${id} ORDER BY seq`,
	);
	return { ...summary, messages: rows.map((r) => JSON.parse(r.entry) as ChatEntry) };
}

/** Cursor: the last row's close time and id ("closedAt~id"), newest first. */
function decodeCursor(cursor: string | undefined): SQL {
	if (!cursor) return sql``;
	const [closedAt, id] = cursor.split("~");
	if (!closedAt || !id)
		throw new ValidationError("The cursor is not one this list gave.", [
			{ path: "cursor", message: "a cursor from nextCursor" },
		]);
	return sql` AND (c.closed_at < ${closedAt} OR (c.closed_at = ${closedAt} AND c.id < ${id}))`;
}

/**
 * Past conversations of a shopper (account id, or the account an email belongs to: asked of the
 * identity module) or naming an order; all given filters apply. Newest first, a page at a time.
 */
export async function searchConversations(ctx: SupportContext, rawQuery: unknown): Promise<ConversationList> {
	const q = ConversationSearchQuery.parse(rawQuery);
	const filters: SQL[] = [];
	let customerId = q.customerId;
	if (q.email !== undefined) {
		const owner = await ctx.people.customerIdByEmail(q.email);
		if (owner === null || (customerId !== undefined && customerId !== owner)) return { items: [], nextCursor: null };
		customerId = owner;
	}
	if (customerId !== undefined) filters.push(sql` AND c.customer_id = ${customerId}`);
	if (q.orderId !== undefined) {
		filters.push(
			sql` AND c.id IN (SELECT conversation_id FROM support_conversation_orders WHERE order_id = ${q.orderId})`,
		);
	}
	filters.push(decodeCursor(q.cursor));
	const rows = await ctx.database.db.all<ConversationRow>(
		sql`SELECT ${SUMMARY} FROM support_conversations c WHERE 1 = 1${sql.join(filters)}
			ORDER BY c.closed_at DESC, c.id DESC LIMIT ${q.limit + 1}`,
	);
	const page = rows.slice(0, q.limit).map(toSummary);
	const last = page.at(-1);
	return { items: page, nextCursor: rows.length > q.limit && last ? `${last.closedAt}~${last.id}` : null };
}

import {
	type Article,
	ArticleInput,
	type ArticleList,
	ArticleListQuery,
	ArticlePatch,
	type ArticleTopic,
} from "@bazaar/contracts/support";
import { newId } from "@bazaar/ids";
import { sql } from "drizzle-orm";
import type { TxDb } from "../lib/db";
import { NotFoundError } from "../lib/errors";
import { iso, type SupportContext, supportWrite } from "./context";

// The knowledge base staff edit: what the bot answers shipping, returns and payment questions
// from (word for word: it never writes a policy of its own), and the canned replies agents send.
// Each change is one unit of the module's writer; the bot reads the articles as they stand.

interface ArticleRow {
	id: string;
	title: string;
	body: string;
	topic: ArticleTopic;
	keywords: string;
	canned: number;
	created_at: string;
	updated_at: string;
	updated_by: string;
}

const toArticle = (r: ArticleRow): Article => ({
	id: r.id,
	title: r.title,
	body: r.body,
	topic: r.topic,
	keywords: JSON.parse(r.keywords) as string[],
	canned: r.canned === 1,
	createdAt: r.created_at,
	updatedAt: r.updated_at,
	updatedBy: r.updated_by,
});

async function load(db: Pick<TxDb, "all">, id: string): Promise<Article> {
	const [row] = await db.all<ArticleRow>(sql`SELECT * FROM support_articles WHERE id = ${id}`);
	if (!row) throw new NotFoundError("That article");
	return toArticle(row);
}

const unique = (words: string[]) => [...new Set(words)];

export async function createArticle(ctx: SupportContext, raw: unknown, actor: string): Promise<Article> {
	const input = ArticleInput.parse(raw);
	const id = newId("art");
	const at = iso(ctx.now());
	return supportWrite(ctx, async (tx) => {
		await tx.run(sql`INSERT INTO support_articles (id, title, body, topic, keywords, canned, created_at, updated_at, updated_by)
			VALUES (${id}, ${input.title}, ${input.body}, ${input.topic}, ${JSON.stringify(unique(input.keywords))},
				${input.canned ? 1 : 0}, ${at}, ${at}, ${actor})`);
		return load(tx, id);
	});
}

export async function updateArticle(ctx: SupportContext, id: string, raw: unknown, actor: string): Promise<Article> {
	const patch = ArticlePatch.parse(raw);
	return supportWrite(ctx, async (tx) => {
		const current = await load(tx, id);
		const next = { ...current, ...patch, keywords: unique(patch.keywords ?? current.keywords) };
		await tx.run(sql`UPDATE support_articles SET title = ${next.title}, body = ${next.body}, topic = ${next.topic},
			keywords = ${JSON.stringify(next.keywords)}, canned = ${next.canned ? 1 : 0},
			updated_at = ${iso(ctx.now())}, updated_by = ${actor} WHERE id = ${id}`);
		return load(tx, id);
	});
}

export async function deleteArticle(ctx: SupportContext, id: string): Promise<{ id: string; deleted: true }> {
	return supportWrite(ctx, async (tx) => {
		await load(tx, id);
		await tx.run(sql`DELETE FROM support_articles WHERE id = ${id}`);
		return { id, deleted: true as const };
	});
}

export const getArticle = (ctx: SupportContext, id: string) => load(ctx.database.db, id);

/** Every article (a knowledge base is hundreds, not millions), by topic and title. */
export async function listArticles(ctx: SupportContext, rawQuery: unknown = {}): Promise<ArticleList> {
	const query = ArticleListQuery.parse(rawQuery);
	const topic = query.topic ? sql` AND topic = ${query.topic}` : sql``;
	const canned = query.canned ? sql` AND canned = ${query.canned === "true" ? 1 : 0}` : sql``;
	const like = query.q ? `%${query.q.toLowerCase().replace(/[%_]/g, "")}%` : null;
	const text = like
		? sql` AND (lower(title) LIKE ${like} OR lower(body) LIKE ${like} OR keywords LIKE ${like})`
		: sql``;
	const rows = await ctx.database.db.all<ArticleRow>(
		sql`SELECT * FROM support_articles WHERE 1 = 1${topic}${canned}${text} ORDER BY topic, title, id`,
	);
	return { items: rows.map(toArticle) };
}

// The bot's reading of a question, kept pure (no I/O) so it is tested on its own: words without
// case, accents, common words and plural/verb endings; and a tf-idf score of a question against
// the knowledge base's articles, where the keywords staff gave an article weigh most, then its
// title, then its body. A score is the share of the question's (idf-weighted) words an article
// answers, so it does not grow with the size of the knowledge base: 0 (nothing) to 3 (every word
// is one of its keywords).

const STOP_WORDS = new Set(
	(
		"a an and are as at be been but by can could did do does doing for from get got had has have how i if in into " +
		"is it its just me my mine of on or our please so some than that the their them then there these they this to " +
		"too us was we were what when which who why will with would you your yours hi hello hey thanks thank im ive " +
		"dont cant wont whats ill id about any tell know want need like much many also still yet again there here"
	).split(" "),
);

/** Lower case, no accents, no punctuation: how phrases are compared. */
export function normalise(text: string): string {
	return text
		.normalize("NFKD")
		.replace(/[\u0300-\u036f]/g, "")
		.toLowerCase()
		.replace(/['’]/g, "")
		.replace(/[^\p{L}\p{N}]+/gu, " ")
		.trim();
}

/** Crude English endings, the same for questions and articles (so both meet in the middle). */
export function stem(word: string): string {
	if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
	if (word.length > 4 && /(ss|x|ch|sh)es$/.test(word)) return word.slice(0, -2);
	if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
	if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
	if (word.length > 4 && word.endsWith("ed")) return word.slice(0, -2);
	return word;
}

/** The words that carry meaning, stemmed. */
export function contentWords(text: string): string[] {
	return normalise(text)
		.split(" ")
		.filter((w) => w.length > 1 && !STOP_WORDS.has(w))
		.map(stem);
}

export interface Scorable {
	id: string;
	title: string;
	body: string;
	keywords: string[];
}

export interface Scored<T> {
	item: T;
	score: number;
}

const WEIGHT = { keyword: 3, title: 2, body: 1 } as const;

/** Articles that answer some of the question, best first. */
export function scoreArticles<T extends Scorable>(question: string, articles: T[]): Scored<T>[] {
	const terms = [...new Set(contentWords(question))];
	if (terms.length === 0 || articles.length === 0) return [];
	const phrase = ` ${normalise(question)} `;
	const fields = articles.map((a) => ({
		keyword: new Set(a.keywords.flatMap(contentWords)),
		title: new Set(contentWords(a.title)),
		body: new Set(contentWords(a.body)),
		// A keyword of several words said as such counts for its every word.
		phrases: a.keywords.map(normalise).filter((k) => k.includes(" ") && phrase.includes(` ${k} `)),
	}));
	const n = articles.length;
	const idf = new Map<string, number>();
	for (const t of terms) {
		const df = fields.filter((f) => f.keyword.has(t) || f.title.has(t) || f.body.has(t)).length;
		idf.set(t, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
	}
	const total = terms.reduce((sum, t) => sum + (idf.get(t) ?? 0), 0);
	const out: Scored<T>[] = [];
	for (const [i, f] of fields.entries()) {
		const phraseWords = new Set(f.phrases.flatMap(contentWords));
		let got = 0;
		for (const t of terms) {
			const w =
				f.keyword.has(t) || phraseWords.has(t)
					? WEIGHT.keyword
					: f.title.has(t)
						? WEIGHT.title
						: f.body.has(t)
							? WEIGHT.body
							: 0;
			got += w * (idf.get(t) ?? 0);
		}
		const item = articles[i] as T;
		if (got > 0) out.push({ item, score: got / total });
	}
	return out.sort((a, b) => b.score - a.score || a.item.id.localeCompare(b.item.id));
}

// Turns what a shopper typed into a safe FTS5 MATCH expression. User text never reaches FTS5
// syntax: it is cut into words (letters and digits of any script), each word is quoted (so
// AND/OR/NOT/NEAR, column filters, quotes and parentheses are just text) and given a prefix
// star, so "head" finds "headphones". Words are ANDed.

const MAX_TERMS = 12;

export function ftsMatchExpression(input: string): string | null {
	const words = input.normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? [];
	const terms = [...new Set(words.map((w) => w.toLowerCase()))].slice(0, MAX_TERMS);
	if (terms.length === 0) return null;
	return terms.map((t) => `"${t}"*`).join(" ");
}

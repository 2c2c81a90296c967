import { describe, expect, test } from "bun:test";
import { contentWords, normalise, scoreArticles } from "./match-text";

// The bot's reading of words, on its own: pure functions, no database.

const kb = [
	{
		id: "a1",
		title: "How long shipping takes",
		body: "Orders ship within 2 working days.",
		keywords: ["shipping", "delivery time", "how long"],
	},
	{
		id: "a2",
		title: "Returns",
		body: "You may return an item within 30 days for a refund.",
		keywords: ["return", "refund", "send back"],
	},
	{ id: "a3", title: "Ways to pay", body: "We take cards and PayPal.", keywords: ["payment", "pay", "card", "paypal"] },
];

describe("match-text", () => {
	test("words lose case, accents, punctuation, common words and endings", () => {
		expect(normalise("  Où est MA Commande?! ")).toBe("ou est ma commande");
		expect(contentWords("How do I return my shoes?")).toEqual(["return", "shoe"]);
		expect(contentWords("Shipping, shipped, ships")).toEqual(["shipp", "shipp", "ship"]);
	});

	test("the article whose keywords a question uses ranks first", () => {
		expect(scoreArticles("How long does shipping take?", kb)[0]?.item.id).toBe("a1");
		expect(scoreArticles("can I send back these boots and get a refund", kb)[0]?.item.id).toBe("a2");
		expect(scoreArticles("Do you take PayPal?", kb)[0]?.item.id).toBe("a3");
	});

	test("a question that shares no word with any article scores nothing", () => {
		expect(scoreArticles("what is the meaning of life", kb)).toEqual([]);
		expect(scoreArticles("?!", kb)).toEqual([]);
		expect(scoreArticles("shipping", [])).toEqual([]);
	});

	test("a keyword's word counts for more than the same word in a body", () => {
		const [best] = scoreArticles("refund", kb);
		const bodyOnly = scoreArticles("days", kb);
		expect(best?.score).toBeGreaterThan(bodyOnly[0]?.score ?? 0);
	});
});

import type { HoldReason } from "@bazaar/contracts/review";
import { find as findLinks } from "linkifyjs";
import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from "obscenity";

// The automatic screen every written or edited review passes: what it finds holds the review for
// a moderator instead of showing it. Links (spam, phishing) through linkifyjs, which knows the real
// top-level domains, so "5.0 stars" is not a link and "cheap-pills.shop" is; profanity through
// obscenity's English set with its look-alike transformers ("f4ck", "sh1t"); repeated text by hand
// (nothing kept does it): one word or character run over and over, or a copy of another review.

const profanity = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

/** The same character 8+ times in a row ("!!!!!!!!", "sooooooooo"). */
const CHARACTER_RUN = /(.)\1{7,}/u;
/** The same word (or short phrase of up to 3 words) 4+ times in a row. */
const WORD_RUN = /\b((?:\p{L}+\s+){0,2}\p{L}+)(?:[\s,.!]+\1\b){3,}/iu;

export function screen(texts: string[], copies: { sameAsAnother: boolean }): HoldReason[] {
	const reasons: HoldReason[] = [];
	const all = texts.join("\n");
	if (findLinks(all).some((l) => l.type === "url" || l.type === "email")) reasons.push("link");
	if (profanity.hasMatch(all)) reasons.push("profanity");
	if (copies.sameAsAnother || texts.some((t) => CHARACTER_RUN.test(t) || WORD_RUN.test(t))) {
		reasons.push("repeated_text");
	}
	return reasons;
}

/** What two bodies are compared on for "a copy of another review" (SQL's lower(trim(body))). */
export function normalisedBody(body: string): string {
	return body.trim().replace(/[A-Z]/g, (c) => c.toLowerCase());
}

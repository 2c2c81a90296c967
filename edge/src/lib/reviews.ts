import {
	Review,
	ReviewableList,
	ReviewDetail,
	ReviewQuery,
	StaffReviewPage,
	VoteResult,
} from "@bazaar/contracts/review";
import type { Caller } from "@bazaar/signature";
import { z } from "zod";
import { callCore } from "./core-call";

// The edge's calls to the core's review module, signed for the caller (the core decides who may
// do what: the author edits, staff moderate), and the list query as an address carries it.

const seg = encodeURIComponent;
const Reported = z.object({ reviewId: z.string(), reported: z.literal(true) });

export const reviews = {
	write: (env: Env, caller: Caller, body: unknown) => callCore(env, Review, "POST", "/reviews", caller, { body }),
	edit: (env: Env, caller: Caller, id: string, body: unknown) =>
		callCore(env, Review, "PATCH", `/reviews/${seg(id)}`, caller, { body }),
	mine: (env: Env, caller: Caller, id: string) => callCore(env, Review, "GET", `/reviews/mine/${seg(id)}`, caller),
	reviewable: (env: Env, caller: Caller, filter: { orderId?: string; productId?: string } = {}) => {
		const qs = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined) as [string, string][]);
		return callCore(env, ReviewableList, "GET", `/reviews/mine/reviewable${qs.size ? `?${qs}` : ""}`, caller);
	},
	vote: (env: Env, caller: Caller, id: string, helpful: boolean) =>
		helpful
			? callCore(env, VoteResult, "PUT", `/reviews/${seg(id)}/vote`, caller, { body: { helpful: true } })
			: callCore(env, VoteResult, "DELETE", `/reviews/${seg(id)}/vote`, caller),
	report: (env: Env, caller: Caller, id: string, body: unknown) =>
		callCore(env, Reported, "POST", `/reviews/${seg(id)}/reports`, caller, { body }),
};

/** A review list query from an address; a repeated key is a list, which the schema refuses by name. */
export function reviewQuery(url: string) {
	const raw: Record<string, string | string[]> = {};
	for (const [k, v] of new URL(url).searchParams) {
		// Blank fields from the plain HTML filter form mean "no filter".
		if (v === "" && (k === "stars" || k === "cursor")) continue;
		const prev = raw[k];
		raw[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
	}
	return ReviewQuery.safeParse(raw);
}

export const isReviewId = (id: string) => /^rev_[0-9A-Z]{26}$/.test(id);

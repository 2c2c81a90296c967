import { Problem, problem } from "@bazaar/contracts";
import type { z } from "zod";
import { etagOf } from "../lib/bytes";
import { coreClient } from "../lib/core";
import { makeEntry } from "./entry";
import type { Produced } from "./layers";

const JSON_TYPE = "application/json; charset=utf-8";

/**
 * Produces a catalog entry from the core: 200 bodies are checked against the contract (only on a
 * miss, so a drifted core fails loudly here, not in a page), 404s become brief negative entries,
 * anything else is a Failure that is passed on but never cached.
 */
export async function fromCore(env: Env, corePath: string, schema: z.ZodType): Promise<Produced> {
	let res: Response;
	try {
		res = await coreClient(env).request("GET", corePath);
	} catch {
		return { problem: problem(503, "The catalog service is unreachable; try again shortly.") };
	}
	const body = new Uint8Array(await res.arrayBuffer());
	if (res.status === 200) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(new TextDecoder().decode(body));
		} catch {
			return { problem: problem(502, "The catalog service sent a malformed answer.") };
		}
		if (!schema.safeParse(parsed).success) {
			return { problem: problem(502, "The catalog service sent an answer that breaks the contract.") };
		}
		return makeEntry(200, body, JSON_TYPE, await etagOf(body));
	}
	const upstream = parseProblem(body, res.status);
	if (res.status === 404) {
		const bytes = new TextEncoder().encode(JSON.stringify(upstream));
		return makeEntry(404, bytes, "application/problem+json", await etagOf(bytes));
	}
	if (res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403) return { problem: upstream };
	// A 401/403 here means the edge and core disagree on the secret: our fault, not the shopper's.
	return { problem: problem(502, `The catalog service answered ${res.status}.`) };
}

function parseProblem(body: Uint8Array, status: number): Problem {
	try {
		return Problem.parse(JSON.parse(new TextDecoder().decode(body)));
	} catch {
		return problem(status);
	}
}

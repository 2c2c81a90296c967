import { type Caller, sign } from "@bazaar/signature";
import { SECRET } from "./harness";

export interface SignedCallInit {
	body?: unknown;
	caller?: Caller;
	headers?: Record<string, string>;
}

/** A request signed as the edge signs it: the test harnesses of every module call through this. */
export async function signedInit(
	method: string,
	path: string,
	init: SignedCallInit,
	defaultCaller: Caller,
): Promise<RequestInit> {
	const body =
		init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
	const headers = { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...init.headers };
	const signed = await sign({ secret: SECRET, method, path, body, headers, caller: init.caller ?? defaultCaller });
	return { method, headers: { ...headers, ...signed }, body };
}

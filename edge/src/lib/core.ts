import { CoreClient } from "@bazaar/client";
import { traceHeaders } from "./request-context";

// One client per core URL (per-region cores: lib/core-url.ts) and secret: the HMAC key import
// inside `sign` is cached per secret, and a client is cheap, but building it per request would
// still be needless garbage on the hot path.
const clients = new Map<string, { secret: string; client: CoreClient }>();

export function coreClient(env: Env): CoreClient {
	let entry = clients.get(env.CORE_URL);
	if (!entry || entry.secret !== env.BAZAAR_SIGNING_SECRET) {
		entry = {
			secret: env.BAZAAR_SIGNING_SECRET,
			client: new CoreClient({
				baseUrl: env.CORE_URL,
				secret: env.BAZAAR_SIGNING_SECRET,
				// The request id and trace context of the request being served (unsigned: correlation only).
				fetch: (url, init) => fetch(url, withTraceHeaders(init)),
			}),
		};
		clients.set(env.CORE_URL, entry);
	}
	return entry.client;
}

/** `init` with the current request's x-request-id and traceparent added to its headers. */
export function withTraceHeaders(init: RequestInit): RequestInit {
	const headers = new Headers(init.headers);
	for (const [name, value] of Object.entries(traceHeaders())) headers.set(name, value);
	return { ...init, headers };
}

import { CoreClient } from "@bazaar/client";
import { traceHeaders } from "./request-context";

// One client per (url, secret): the HMAC key import inside `sign` is cached per secret, and a
// client is cheap, but building it per request would still be needless garbage on the hot path.
let cached: { url: string; secret: string; client: CoreClient } | undefined;

export function coreClient(env: Env): CoreClient {
	if (!cached || cached.url !== env.CORE_URL || cached.secret !== env.BAZAAR_SIGNING_SECRET) {
		cached = {
			url: env.CORE_URL,
			secret: env.BAZAAR_SIGNING_SECRET,
			client: new CoreClient({
				baseUrl: env.CORE_URL,
				secret: env.BAZAAR_SIGNING_SECRET,
				// The request id and trace context of the request being served (unsigned: correlation only).
				fetch: (url, init) => fetch(url, withTraceHeaders(init)),
			}),
		};
	}
	return cached.client;
}

/** `init` with the current request's x-request-id and traceparent added to its headers. */
export function withTraceHeaders(init: RequestInit): RequestInit {
	const headers = new Headers(init.headers);
	for (const [name, value] of Object.entries(traceHeaders())) headers.set(name, value);
	return { ...init, headers };
}

import { CoreClient } from "@bazaar/client";

// One client per core URL (per-region cores: lib/core-url.ts) and secret: the HMAC key import
// inside `sign` is cached per secret, and a client is cheap, but building it per request would
// still be needless garbage on the hot path.
const clients = new Map<string, { secret: string; client: CoreClient }>();

export function coreClient(env: Env): CoreClient {
	let entry = clients.get(env.CORE_URL);
	if (!entry || entry.secret !== env.BAZAAR_SIGNING_SECRET) {
		entry = {
			secret: env.BAZAAR_SIGNING_SECRET,
			client: new CoreClient({ baseUrl: env.CORE_URL, secret: env.BAZAAR_SIGNING_SECRET }),
		};
		clients.set(env.CORE_URL, entry);
	}
	return entry.client;
}

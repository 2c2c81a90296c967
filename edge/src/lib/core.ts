import { CoreClient } from "@bazaar/client";

// One client per (url, secret): the HMAC key import inside `sign` is cached per secret, and a
// client is cheap, but building it per request would still be needless garbage on the hot path.
let cached: { url: string; secret: string; client: CoreClient } | undefined;

export function coreClient(env: Env): CoreClient {
	if (!cached || cached.url !== env.CORE_URL || cached.secret !== env.BAZAAR_SIGNING_SECRET) {
		cached = {
			url: env.CORE_URL,
			secret: env.BAZAAR_SIGNING_SECRET,
			client: new CoreClient({ baseUrl: env.CORE_URL, secret: env.BAZAAR_SIGNING_SECRET }),
		};
	}
	return cached.client;
}

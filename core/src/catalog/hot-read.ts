import { verifyBodilessSync } from "@bazaar/signature";
import type { VersionedCache } from "../lib/cache";
import { cachedBytesResponse, signedPath } from "../lib/http";
import { bunSignatureCrypto } from "../lib/signature-crypto";
import { catalogReadKey } from "./read-keys";

// The catalog's hot read: a signed GET whose answer already sits in the first-level cache is
// answered synchronously, before the router, with no await anywhere (DESIGN.md: reads are
// answered from the nearest layer, pre-serialised). Anything else — a miss, a bad signature, a
// write — returns undefined and takes the full app, which owns every error answer.
export function catalogHotRead(cache: VersionedCache, secret: string): (req: Request) => Response | undefined {
	return (req) => {
		if (req.method !== "GET") return undefined;
		const path = signedPath(req.url);
		const key = catalogReadKey(path);
		if (key === null) return undefined;
		const entry = cache.peek(key);
		if (!entry) return undefined;
		const verified = verifyBodilessSync({
			secret,
			method: "GET",
			path,
			headers: req.headers,
			crypto: bunSignatureCrypto,
		});
		if (!verified.ok) return undefined;
		return cachedBytesResponse(req.headers.get("if-none-match"), entry, "memory");
	};
}

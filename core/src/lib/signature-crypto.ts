import { createHash, createHmac } from "node:crypto";
import type { SignatureCrypto } from "@bazaar/signature";

/** node:crypto's synchronous HMAC: an order of magnitude cheaper per request than subtle.verify in Bun. */
export const nodeSignatureCrypto: SignatureCrypto = {
	hmacSha256: (secret, data) => createHmac("sha256", secret).update(data).digest(),
	sha256Hex: (bytes) => createHash("sha256").update(bytes).digest("hex"),
};

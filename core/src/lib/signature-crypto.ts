import type { SyncSignatureCrypto } from "@bazaar/signature";

// Bun's native hasher: HMAC-SHA-256 in under 1 µs, against ~4 µs for node:crypto's createHmac
// and ~45 µs for WebCrypto's subtle.sign. Every core request verifies one signature.
const keyed = new Map<string, Bun.CryptoHasher>();

export const bunSignatureCrypto: SyncSignatureCrypto = {
	hmacSha256Hex(secret, data) {
		let base = keyed.get(secret);
		if (!base) {
			base = new Bun.CryptoHasher("sha256", secret);
			keyed.set(secret, base);
		}
		// copy() keeps the keyed state so the key schedule is not redone per request.
		return base.copy().update(data).digest("hex");
	},
	sha256Hex: (bytes) => new Bun.CryptoHasher("sha256").update(bytes).digest("hex"),
};

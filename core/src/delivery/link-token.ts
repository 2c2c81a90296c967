import { timingSafeEqual } from "node:crypto";
import { bunSignatureCrypto } from "../lib/signature-crypto";

// A download link's token: `<link id>.<expiry, unix seconds>.<HMAC-SHA256 hex>`. Only the core
// holds the key, so a token cannot be made or altered elsewhere; the expiry inside lets a stale
// token be refused without a database read (the row is still checked: revoked, count, expiry).

const LINK_ID = /^dl_[0-9A-Z]{26}$/;

export function signLinkToken(secret: string, linkId: string, expiresAtMs: number): string {
	const exp = Math.floor(expiresAtMs / 1000);
	return `${linkId}.${exp}.${bunSignatureCrypto.hmacSha256Hex(secret, `download:${linkId}.${exp}`)}`;
}

/** The link id and expiry of a genuine token, or null (malformed or forged: the same answer). */
export function verifyLinkToken(secret: string, token: string): { linkId: string; expiresAtMs: number } | null {
	const [linkId, exp, mac, ...rest] = token.split(".");
	if (rest.length > 0 || !linkId || !exp || !mac || !LINK_ID.test(linkId) || !/^\d{1,12}$/.test(exp)) return null;
	if (!/^[0-9a-f]{64}$/.test(mac)) return null;
	const expected = bunSignatureCrypto.hmacSha256Hex(secret, `download:${linkId}.${exp}`);
	if (!timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) return null;
	return { linkId, expiresAtMs: Number(exp) * 1000 };
}

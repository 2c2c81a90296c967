// Edge → core trust (DESIGN.md, flow 2). The edge signs every call it makes to the core with a
// shared secret; the core refuses anything unsigned, tampered with, older than MAX_SKEW, or seen
// before. The signed string binds method, path with query, a hash of the body, the caller's
// identity, every request header the core acts on (SIGNED_HEADERS), a timestamp and a random
// nonce, so a captured request can be neither altered nor re-pointed, and (with the core's
// seen-set of nonces, core/src/lib/replay-guard.ts) not sent again either.

export const HEADER = {
	timestamp: "x-bazaar-timestamp",
	nonce: "x-bazaar-nonce",
	user: "x-bazaar-user",
	roles: "x-bazaar-roles",
	clientIp: "x-bazaar-client-ip",
	signature: "x-bazaar-signature",
} as const;

/**
 * Request headers the core acts on besides the caller's: how the body is read (content-type),
 * the guest cart (x-bazaar-cart-token), creating POSTs' idempotency keys (idempotency-key,
 * checkout-replay-of) and conditional reads (if-none-match). An absent one is signed as absent,
 * so adding one on the way is tampering too.
 */
export const SIGNED_HEADERS = [
	"content-type",
	"idempotency-key",
	"checkout-replay-of",
	"x-bazaar-cart-token",
	"if-none-match",
] as const;

/** How far a signature's timestamp may be from the verifier's clock (either way). */
export const MAX_SKEW_SECONDS = 60;

export interface Caller {
	/** The shopper or staff member on whose behalf the edge calls; "" for anonymous. */
	user: string;
	roles: string[];
	/** The shopper's address as the edge saw it (rate limits key on it); signed like the rest. */
	ip?: string;
}

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

/**
 * The two primitives signing needs. WebCrypto (the default) runs everywhere, including workerd;
 * a runtime with a faster synchronous HMAC (node:crypto in Bun: ~4 µs against ~45 µs for
 * subtle.verify) passes its own, since every core request pays for one verification.
 */
export interface SignatureCrypto {
	/** HMAC-SHA-256 of `data`, lowercase hex. */
	hmacSha256Hex(secret: string, data: string): string | Promise<string>;
	sha256Hex(bytes: Uint8Array): string | Promise<string>;
}

export const webCrypto: SignatureCrypto = {
	async hmacSha256Hex(secret, data) {
		return toHex(await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(data)));
	},
	async sha256Hex(bytes) {
		return toHex(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
	},
};

function hmacKey(secret: string): Promise<CryptoKey> {
	let key = keys.get(secret);
	if (!key) {
		key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
			"sign",
			"verify",
		]);
		keys.set(secret, key);
	}
	return key;
}

function toHex(buf: ArrayBuffer | Uint8Array): string {
	const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
	let out = "";
	for (const b of bytes) out += b.toString(16).padStart(2, "0");
	return out;
}

const EMPTY_BODY_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export async function bodyHash(
	body: ArrayBuffer | Uint8Array | string | null | undefined,
	impl: SignatureCrypto = webCrypto,
): Promise<string> {
	if (body == null) return EMPTY_BODY_HASH;
	const bytes =
		typeof body === "string" ? encoder.encode(body) : body instanceof Uint8Array ? body : new Uint8Array(body);
	if (bytes.byteLength === 0) return EMPTY_BODY_HASH;
	return impl.sha256Hex(bytes);
}

/** Compares in time independent of where the first difference is. */
export function constantTimeEqual(a: string, b: string): boolean {
	if (a.length !== b.length) return false;
	let diff = 0;
	for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
	return diff === 0;
}

type HeaderSource = { get(name: string): string | null };

/** The signed headers' lines; a header is trimmed, an absent one is empty. */
function headerLines(headers: HeaderSource): string {
	return SIGNED_HEADERS.map((name) => `${name}:${(headers.get(name) ?? "").trim()}`).join("\n");
}

function canonical(
	method: string,
	pathAndQuery: string,
	hash: string,
	caller: Caller,
	timestamp: string,
	nonce: string,
	headers: HeaderSource,
): string {
	return [
		"v2",
		method.toUpperCase(),
		pathAndQuery,
		hash,
		caller.user,
		caller.roles.join(","),
		caller.ip ?? "",
		timestamp,
		nonce,
		headerLines(headers),
	].join("\n");
}

export interface SignInput {
	secret: string;
	method: string;
	/** Path with query string, e.g. `/catalog/products?limit=10`. */
	path: string;
	body?: ArrayBuffer | Uint8Array | string | null;
	/** The request's other headers exactly as they will be sent: the SIGNED_HEADERS among them are bound. */
	headers?: HeadersInit;
	caller?: Caller;
	now?: number;
	/** 128 random bits, hex; a test may fix it. */
	nonce?: string;
	crypto?: SignatureCrypto;
}

const NONCE = /^[0-9a-f]{32}$/;

function randomNonce(): string {
	return toHex(crypto.getRandomValues(new Uint8Array(16)));
}

/** Headers to add to an edge → core request (next to the ones passed in `headers`). */
export async function sign(input: SignInput): Promise<Record<string, string>> {
	const caller = input.caller ?? { user: "", roles: [] };
	const timestamp = String(Math.floor((input.now ?? Date.now()) / 1000));
	const nonce = input.nonce ?? randomNonce();
	const impl = input.crypto ?? webCrypto;
	const data = canonical(
		input.method,
		input.path,
		await bodyHash(input.body, impl),
		caller,
		timestamp,
		nonce,
		new Headers(input.headers),
	);
	const mac = await impl.hmacSha256Hex(input.secret, data);
	const headers: Record<string, string> = {
		[HEADER.timestamp]: timestamp,
		[HEADER.nonce]: nonce,
		[HEADER.user]: caller.user,
		[HEADER.roles]: caller.roles.join(","),
		[HEADER.signature]: `v2=${mac}`,
	};
	if (caller.ip) headers[HEADER.clientIp] = caller.ip;
	return headers;
}

export type VerifyResult =
	| {
			ok: true;
			caller: Caller;
			/** What the verifier's seen-set keys on: the same nonce twice is a replay. */
			nonce: string;
			/** Seconds since the epoch: the nonce need not be remembered past timestamp + MAX_SKEW_SECONDS. */
			timestamp: number;
	  }
	| { ok: false; reason: string };

export interface VerifyInput {
	secret: string;
	method: string;
	path: string;
	headers: Headers;
	body?: ArrayBuffer | Uint8Array | string | null;
	now?: number;
	crypto?: SignatureCrypto;
}

type Prepared =
	| { ok: false; reason: string }
	| { ok: true; caller: Caller; mac: string; timestamp: string; nonce: string };

/** The checks that need no hashing: presence, form and age of the signature headers. */
function prepare(input: VerifyInput): Prepared {
	const signature = input.headers.get(HEADER.signature);
	const timestamp = input.headers.get(HEADER.timestamp);
	const nonce = input.headers.get(HEADER.nonce);
	if (!signature || !timestamp || !nonce) return { ok: false, reason: "missing signature" };
	if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "malformed timestamp" };
	const age = Math.abs((input.now ?? Date.now()) / 1000 - Number(timestamp));
	if (age > MAX_SKEW_SECONDS) return { ok: false, reason: "stale signature" };
	if (!NONCE.test(nonce)) return { ok: false, reason: "malformed nonce" };
	const mac = signature.startsWith("v2=") ? signature.slice(3) : "";
	if (!/^[0-9a-f]{64}$/.test(mac)) return { ok: false, reason: "malformed signature" };
	const rolesHeader = input.headers.get(HEADER.roles) ?? "";
	const caller: Caller = {
		user: input.headers.get(HEADER.user) ?? "",
		roles: rolesHeader ? rolesHeader.split(",") : [],
	};
	const ip = input.headers.get(HEADER.clientIp);
	if (ip) caller.ip = ip;
	return { ok: true, caller, mac, timestamp, nonce };
}

function verified(p: Extract<Prepared, { ok: true }>, expected: string): VerifyResult {
	if (!constantTimeEqual(p.mac, expected)) return { ok: false, reason: "bad signature" };
	return { ok: true, caller: p.caller, nonce: p.nonce, timestamp: Number(p.timestamp) };
}

/**
 * Checks the signature and its age. A good one still needs the verifier's seen-set: `nonce` must
 * not have been accepted before (the signature says nothing about how often it was sent).
 */
export async function verify(input: VerifyInput): Promise<VerifyResult> {
	const p = prepare(input);
	if (!p.ok) return p;
	const impl = input.crypto ?? webCrypto;
	const hash = await bodyHash(input.body, impl);
	const data = canonical(input.method, input.path, hash, p.caller, p.timestamp, p.nonce, input.headers);
	return verified(p, await impl.hmacSha256Hex(input.secret, data));
}

/** A provider whose HMAC answers at once (Bun's native hasher). */
export interface SyncSignatureCrypto extends SignatureCrypto {
	hmacSha256Hex(secret: string, data: string): string;
}

/**
 * Verifies a bodiless request (GET/HEAD) without a single await, for a read path that answers
 * from memory synchronously.
 */
export function verifyBodilessSync(
	input: Omit<VerifyInput, "body" | "crypto"> & { crypto: SyncSignatureCrypto },
): VerifyResult {
	const p = prepare(input);
	if (!p.ok) return p;
	const data = canonical(input.method, input.path, EMPTY_BODY_HASH, p.caller, p.timestamp, p.nonce, input.headers);
	return verified(p, input.crypto.hmacSha256Hex(input.secret, data));
}

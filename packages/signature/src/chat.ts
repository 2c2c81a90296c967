import { constantTimeEqual, type SignatureCrypto, webCrypto } from "./index";

// Support chat join tickets (DESIGN.md, data flow 5). The edge mints one for one person and one
// room; the room's gate opens it before the WebSocket upgrade. A ticket is `<payload>.<mac>`:
// the claims as base64url JSON and an HMAC-SHA-256 over them with the shared secret, so nobody
// can make one up or point it at another room. Expiry and single use are the gate's to check
// (the claims carry `exp` and a nonce); this file only proves the edge wrote them.

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const DOMAIN = "chat-ticket-v1";
/** A ticket longer than this is not one of ours (claims are a few hundred bytes). */
const MAX_TICKET = 2_048;

function toBase64Url(text: string): string {
	let bin = "";
	for (const b of encoder.encode(text)) bin += String.fromCharCode(b);
	return btoa(bin).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): string | null {
	try {
		const bin = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
		return decoder.decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
	} catch {
		return null;
	}
}

/** A ticket carrying `claims` (any JSON object; the contracts' ChatTicketClaims in practice). */
export async function signChatTicket(
	secret: string,
	claims: object,
	impl: SignatureCrypto = webCrypto,
): Promise<string> {
	const payload = toBase64Url(JSON.stringify(claims));
	return `${payload}.${await impl.hmacSha256Hex(secret, `${DOMAIN}\n${payload}`)}`;
}

/**
 * The claims of a genuine ticket, parsed but not yet validated (the caller checks their shape,
 * expiry, room and nonce); null when the ticket is malformed or its mac does not match.
 */
export async function openChatTicket(
	secret: string,
	ticket: string,
	impl: SignatureCrypto = webCrypto,
): Promise<unknown | null> {
	if (ticket.length > MAX_TICKET) return null;
	const m = /^([A-Za-z0-9_-]+)\.([0-9a-f]{64})$/.exec(ticket);
	if (!m) return null;
	const payload = m[1] as string;
	const expected = await impl.hmacSha256Hex(secret, `${DOMAIN}\n${payload}`);
	if (!constantTimeEqual(expected, m[2] as string)) return null;
	const json = fromBase64Url(payload);
	if (json === null) return null;
	try {
		return JSON.parse(json);
	} catch {
		return null;
	}
}

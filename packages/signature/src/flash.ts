import { type SignatureCrypto, webCrypto } from "./index";

// A flash-sale reservation is made by a stock shard at the edge and turned into an order by the
// core. The shard signs what it accepted (id, item, shopper, quantity, price) with the shared
// secret, so the core creates orders only for reservations a shard really made, and the shopper's
// reservation token (`<id>.<mac>`) cannot be forged or pointed at another shopper.

export interface FlashReservationFields {
	id: string;
	itemId: string;
	shopper: string;
	quantity: number;
	unitPrice: number;
}

const canonical = (r: FlashReservationFields) =>
	["flash-reservation-v1", r.id, r.itemId, r.shopper, r.quantity, r.unitPrice].join("\n");

/** HMAC-SHA-256 of the reservation's fields, lowercase hex. */
export function flashReservationMac(
	secret: string,
	r: FlashReservationFields,
	impl: SignatureCrypto = webCrypto,
): string | Promise<string> {
	return impl.hmacSha256Hex(secret, canonical(r));
}

/** Constant-time check of a reservation's mac. */
export async function verifyFlashReservationMac(
	secret: string,
	r: FlashReservationFields & { mac: string },
	impl: SignatureCrypto = webCrypto,
): Promise<boolean> {
	const expected = await impl.hmacSha256Hex(secret, canonical(r));
	if (expected.length !== r.mac.length) return false;
	let diff = 0;
	for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ r.mac.charCodeAt(i);
	return diff === 0;
}

/**
 * The shopper's handle on a reservation: `<id>.<mac>` with the mac over the id and the shopper, so
 * a token cannot be made up, nor used by another shopper's session (both are a 404).
 */
export async function flashReservationToken(
	secret: string,
	id: string,
	shopper: string,
	impl: SignatureCrypto = webCrypto,
) {
	return `${id}.${await impl.hmacSha256Hex(secret, `flash-token-v1\n${id}\n${shopper}`)}`;
}

/** The reservation id a token names for this shopper, or null when it is not theirs or not genuine. */
export async function openFlashReservationToken(
	secret: string,
	token: string,
	shopper: string,
	impl: SignatureCrypto = webCrypto,
): Promise<string | null> {
	const m = /^(fr_[0-9A-Z]{26})\.([0-9a-f]{64})$/.exec(token);
	if (!m) return null;
	const expected = await flashReservationToken(secret, m[1] as string, shopper, impl);
	if (expected.length !== token.length) return null;
	let diff = 0;
	for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ token.charCodeAt(i);
	return diff === 0 ? (m[1] as string) : null;
}

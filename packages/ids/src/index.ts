// Time-sortable ids (ULID layout: 48-bit ms timestamp + 80 random bits, Crockford base32) so
// primary keys cluster by creation time in SQLite's b-tree and cursors can sort by id.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export function ulid(now: number = Date.now()): string {
	let time = "";
	let t = now;
	for (let i = 0; i < 10; i++) {
		time = ALPHABET[t % 32] + time;
		t = Math.floor(t / 32);
	}
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	let rand = "";
	for (let i = 0; i < 16; i++) rand += ALPHABET[(bytes[i] as number) % 32];
	return time + rand;
}

export type IdPrefix =
	| "prod"
	| "var"
	| "cat"
	| "img"
	| "evt"
	| "usr"
	| "ord"
	| "cart"
	| "res"
	| "pay"
	| "shp"
	| "rec"
	| "rfd"
	/** a flash-sale item */
	| "fsi"
	/** a flash-sale reservation (its order is `ord_` + the same ULID) */
	| "fr"
	| "act"
	| "rul"
	| "cpn"
	| "rdm"
	| "rev"
	/** a licence key in a pool */
	| "lk"
	/** a download link of a paid order line */
	| "dl"
	/** a support chat conversation */
	| "cnv"
	/** a support knowledge-base article */
	| "art"
	/** a support ticket, and a staff reply to one */
	| "tkt"
	| "tkr";

export function newId(prefix: IdPrefix): string {
	return `${prefix}_${ulid()}`;
}

/** A random token of `bytes` bytes, base64url without padding (256 bits by default). */
export function randomToken(bytes = 32): string {
	const buf = crypto.getRandomValues(new Uint8Array(bytes));
	let bin = "";
	for (const b of buf) bin += String.fromCharCode(b);
	return btoa(bin).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function slugify(text: string): string {
	return text
		.normalize("NFKD")
		.replace(/[\u0300-\u036f]/g, "")
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "-")
		.replace(/^-+|-+$/g, "")
		.slice(0, 80);
}

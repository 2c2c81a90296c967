// Deterministic randomness for the seed: the same seed gives the same catalog (ids, prices,
// pictures) on every machine, so a bug report's product is the reader's product too.

export type Rng = () => number;

/** mulberry32: tiny, fast, good enough for demo data. */
export function rng(seed: number): Rng {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

export const int = (r: Rng, min: number, max: number) => min + Math.floor(r() * (max - min + 1));
export const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
export const chance = (r: Rng, p: number) => r() < p;

export function pickSome<T>(r: Rng, items: readonly T[], min: number, max: number): T[] {
	const pool = [...items];
	const n = Math.min(pool.length, int(r, min, max));
	const out: T[] = [];
	for (let i = 0; i < n; i++) out.push(pool.splice(Math.floor(r() * pool.length), 1)[0] as T);
	return out;
}

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A ULID-shaped id (time-sortable like @bazaar/ids) whose random part comes from `r`. */
export function seededId(prefix: string, timeMs: number, r: Rng): string {
	let time = "";
	let t = timeMs;
	for (let i = 0; i < 10; i++) {
		time = ALPHABET[t % 32] + time;
		t = Math.floor(t / 32);
	}
	let rand = "";
	for (let i = 0; i < 16; i++) rand += ALPHABET[Math.floor(r() * 32)];
	return `${prefix}_${time}${rand}`;
}

import { deflateSync } from "node:zlib";
import { PNG } from "pngjs";
import { UnsupportedMediaTypeError } from "./errors";

// PNG encoding tuned for the seed: images are flat colours and simple shapes, so a scanline is
// a few runs of one colour. Written with the "Sub" filter such a row is all zeros except at run
// edges, which we can emit directly (a handful of bytes per row) and which deflate squeezes to
// almost nothing. pngjs decodes uploads; its encoder (per-byte filtering in JS) would make
// seeding 600 products take a minute instead of a couple of seconds.

const SIGNATURE = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);

export type Rgb = readonly [number, number, number];

function chunk(type: string, data: Uint8Array): Uint8Array {
	const out = new Uint8Array(12 + data.length);
	const view = new DataView(out.buffer);
	view.setUint32(0, data.length);
	for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
	out.set(data, 8);
	view.setUint32(8 + data.length, Bun.hash.crc32(out.subarray(4, 8 + data.length)));
	return out;
}

/** Wraps already-filtered scanlines (a filter byte, then the row) into a PNG file. */
export function encodeFiltered(width: number, height: number, channels: 3 | 4, filtered: Uint8Array): Uint8Array {
	const ihdr = new Uint8Array(13);
	const view = new DataView(ihdr.buffer);
	view.setUint32(0, width);
	view.setUint32(4, height);
	ihdr[8] = 8; // bit depth
	ihdr[9] = channels === 3 ? 2 : 6; // truecolour, with alpha for 4 channels
	const parts = [SIGNATURE, chunk("IHDR", ihdr), chunk("IDAT", deflateSync(filtered, { level: 6 })), chunk("IEND", new Uint8Array())];
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let offset = 0;
	for (const p of parts) {
		out.set(p, offset);
		offset += p.length;
	}
	return out;
}

/** One run of colour on a row, [x0, x1) in pixels. */
export interface Run {
	x0: number;
	x1: number;
	color: Rgb;
}

/**
 * Encodes an RGB image described row by row as runs over a background colour. `rowRuns(y)`
 * returns the runs for row y, painted in order (later runs cover earlier ones).
 */
export function encodeRuns(width: number, height: number, background: Rgb, rowRuns: (y: number) => Run[]): Uint8Array {
	const stride = width * 3 + 1;
	const filtered = new Uint8Array(stride * height);
	for (let y = 0; y < height; y++) {
		const base = y * stride;
		filtered[base] = 1; // Sub: each byte is stored as the difference from the pixel to its left
		const runs = rowRuns(y);
		const edges = flatten(width, background, runs);
		let prev: Rgb = [0, 0, 0];
		for (const [x, color] of edges) {
			const o = base + 1 + x * 3;
			filtered[o] = (color[0] - prev[0]) & 255;
			filtered[o + 1] = (color[1] - prev[1]) & 255;
			filtered[o + 2] = (color[2] - prev[2]) & 255;
			prev = color;
		}
	}
	return encodeFiltered(width, height, 3, filtered);
}

/** Turns painted runs into the list of x positions where the colour changes. */
function flatten(width: number, background: Rgb, runs: Run[]): [number, Rgb][] {
	// Segments as [start, colour], each ending where the next starts. Painting a run keeps what
	// lies before it, the run itself, and what continues after it. Rows have a few runs.
	let segs: [number, Rgb][] = [[0, background]];
	for (const run of runs) {
		const x0 = Math.max(0, Math.min(width, Math.round(run.x0)));
		const x1 = Math.max(0, Math.min(width, Math.round(run.x1)));
		if (x1 <= x0) continue;
		let colorAtX1: Rgb = background;
		for (const [start, color] of segs) if (start <= x1) colorAtX1 = color;
		const next: [number, Rgb][] = segs.filter(([start]) => start < x0);
		next.push([x0, run.color]);
		if (x1 < width) next.push([x1, colorAtX1]);
		for (const seg of segs) if (seg[0] > x1) next.push(seg);
		segs = [];
		for (const seg of next) {
			const last = segs[segs.length - 1];
			if (!last || !sameColor(last[1], seg[1])) segs.push(seg);
		}
	}
	return segs;
}

function sameColor(a: Rgb, b: Rgb): boolean {
	return a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

/** Encodes RGBA pixels (e.g. a resized upload), Sub-filtered. */
export function encodeRgba(width: number, height: number, rgba: Uint8Array): Uint8Array {
	const stride = width * 4 + 1;
	const filtered = new Uint8Array(stride * height);
	for (let y = 0; y < height; y++) {
		const src = y * width * 4;
		const dst = y * stride;
		filtered[dst] = 1;
		for (let i = 0; i < 4 && i < width * 4; i++) filtered[dst + 1 + i] = rgba[src + i] as number;
		for (let i = 4; i < width * 4; i++) {
			filtered[dst + 1 + i] = ((rgba[src + i] as number) - (rgba[src + i - 4] as number)) & 255;
		}
	}
	return encodeFiltered(width, height, 4, filtered);
}

export interface DecodedImage {
	width: number;
	height: number;
	/** RGBA, 8 bits per channel. */
	data: Uint8Array;
}

const PNG_MAGIC = [137, 80, 78, 71];
const MAX_PIXELS = 40_000_000;

/** Decodes a PNG; anything else (or a corrupt PNG) is a 415 for the caller. */
export function decodePng(bytes: Uint8Array): DecodedImage {
	if (bytes.length < 8 || PNG_MAGIC.some((b, i) => bytes[i] !== b)) {
		throw new UnsupportedMediaTypeError("The image must be a PNG.");
	}
	// Refuse decompression bombs before pngjs allocates the pixel buffer.
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	if (bytes.length >= 24 && view.getUint32(16) * view.getUint32(20) > MAX_PIXELS) {
		throw new UnsupportedMediaTypeError("The PNG is too large (at most 40 megapixels).");
	}
	try {
		const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
		return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
	} catch (err) {
		throw new UnsupportedMediaTypeError(`The PNG could not be decoded: ${(err as Error).message}`);
	}
}

/** Area-averaging downscale so the longest side is at most `maxSide` (never upscales). */
export function downscale(image: DecodedImage, maxSide: number): DecodedImage {
	const { width: sw, height: sh, data } = image;
	const scale = Math.min(1, maxSide / Math.max(sw, sh));
	if (scale === 1) return image;
	const dw = Math.max(1, Math.round(sw * scale));
	const dh = Math.max(1, Math.round(sh * scale));
	const out = new Uint8Array(dw * dh * 4);
	for (let dy = 0; dy < dh; dy++) {
		const y0 = Math.floor((dy * sh) / dh);
		const y1 = Math.max(y0 + 1, Math.floor(((dy + 1) * sh) / dh));
		for (let dx = 0; dx < dw; dx++) {
			const x0 = Math.floor((dx * sw) / dw);
			const x1 = Math.max(x0 + 1, Math.floor(((dx + 1) * sw) / dw));
			let r = 0;
			let g = 0;
			let b = 0;
			let a = 0;
			for (let y = y0; y < y1; y++) {
				let i = (y * sw + x0) * 4;
				for (let x = x0; x < x1; x++, i += 4) {
					r += data[i] as number;
					g += data[i + 1] as number;
					b += data[i + 2] as number;
					a += data[i + 3] as number;
				}
			}
			const n = (y1 - y0) * (x1 - x0);
			const o = (dy * dw + dx) * 4;
			out[o] = Math.round(r / n);
			out[o + 1] = Math.round(g / n);
			out[o + 2] = Math.round(b / n);
			out[o + 3] = Math.round(a / n);
		}
	}
	return { width: dw, height: dh, data: out };
}

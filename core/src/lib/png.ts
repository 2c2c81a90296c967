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
	view.setUint32(8 + data.length, Bun.hash.crc32(out.subarray(4, 8 + data.length) as Uint8Array<ArrayBuffer>));
	return out;
}

/**
 * A zlib stream (RFC 1950). node:zlib's per-call setup in Bun costs more than compressing a
 * thumbnail does, so small images use Bun's raw deflate with the zlib framing added here;
 * large ones use node:zlib, whose native checksum is faster than Bun.hash.adler32.
 */
function zlib(data: Uint8Array): Uint8Array {
	if (data.length > 128 * 1024) return deflateSync(data, { level: 6 });
	const raw = Bun.deflateSync(data as Uint8Array<ArrayBuffer>, { level: 6 });
	const out = new Uint8Array(raw.length + 6);
	out[0] = 0x78; // deflate, 32 KiB window
	out[1] = 0x9c; // default compression, header checksum
	out.set(raw, 2);
	new DataView(out.buffer).setUint32(2 + raw.length, Bun.hash.adler32(data));
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
	return assemble(ihdr, null, filtered);
}

function assemble(ihdr: Uint8Array, palette: Uint8Array | null, filtered: Uint8Array): Uint8Array {
	const parts = [SIGNATURE, chunk("IHDR", ihdr)];
	if (palette) parts.push(chunk("PLTE", palette));
	parts.push(chunk("IDAT", zlib(filtered)), chunk("IEND", new Uint8Array()));
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
 * Encodes an image described row by row as runs over a background colour, as an indexed
 * (palette) PNG: one byte per pixel. `rowRuns(y)` returns the runs for row y, painted in order
 * (later runs cover earlier ones). A row equal to the one above is stored with the "Up" filter
 * (all zeros); any other row with "Sub", which is zero except where the colour changes.
 */
export function encodeRuns(width: number, height: number, background: Rgb, rowRuns: (y: number) => Run[]): Uint8Array {
	const stride = width + 1;
	const filtered = zeroedScratch(stride * height);
	const palette: Rgb[] = [];
	const colorIndex = (c: Rgb) => {
		for (let i = 0; i < palette.length; i++) {
			const p = palette[i] as Rgb;
			if (p === c || (p[0] === c[0] && p[1] === c[1] && p[2] === c[2])) return i;
		}
		if (palette.length === 256) throw new RangeError("more than 256 colours");
		palette.push(c);
		return palette.length - 1;
	};
	const bg = colorIndex(background);
	// A row is a list of segments: starts[i] is where colour colors[i] begins; it ends where the
	// next begins. Two pairs of scratch arrays, swapped while painting; one pair for the row above.
	let starts: number[] = [];
	let colors: number[] = [];
	let nextStarts: number[] = [];
	let nextColors: number[] = [];
	let aboveStarts: number[] = [];
	let aboveColors: number[] = [];
	for (let y = 0; y < height; y++) {
		starts.length = 0;
		colors.length = 0;
		starts.push(0);
		colors.push(bg);
		for (const run of rowRuns(y)) {
			const x0 = Math.max(0, Math.min(width, Math.round(run.x0)));
			const x1 = Math.max(0, Math.min(width, Math.round(run.x1)));
			if (x1 <= x0) continue;
			const c = colorIndex(run.color);
			let atX1 = bg;
			for (let i = 0; i < starts.length && (starts[i] as number) <= x1; i++) atX1 = colors[i] as number;
			nextStarts.length = 0;
			nextColors.length = 0;
			const put = (x: number, color: number) => {
				if (nextColors.length > 0 && nextColors[nextColors.length - 1] === color) return;
				nextStarts.push(x);
				nextColors.push(color);
			};
			for (let i = 0; i < starts.length && (starts[i] as number) < x0; i++)
				put(starts[i] as number, colors[i] as number);
			put(x0, c);
			if (x1 < width) put(x1, atX1);
			for (let i = 0; i < starts.length; i++)
				if ((starts[i] as number) > x1) put(starts[i] as number, colors[i] as number);
			[starts, nextStarts] = [nextStarts, starts];
			[colors, nextColors] = [nextColors, colors];
		}
		const base = y * stride;
		if (sameRow(starts, colors, aboveStarts, aboveColors)) {
			filtered[base] = 2; // Up: same as the row above, so every byte is 0
			continue;
		}
		filtered[base] = 1; // Sub: each byte is the difference from the pixel to its left
		let prev = 0;
		for (let i = 0; i < starts.length; i++) {
			const index = colors[i] as number;
			filtered[base + 1 + (starts[i] as number)] = (index - prev) & 255;
			prev = index;
		}
		[aboveStarts, starts] = [starts, aboveStarts];
		[aboveColors, colors] = [colors, aboveColors];
	}
	const ihdr = new Uint8Array(13);
	const view = new DataView(ihdr.buffer);
	view.setUint32(0, width);
	view.setUint32(4, height);
	ihdr[8] = 8;
	ihdr[9] = 3; // indexed colour
	const plte = new Uint8Array(palette.length * 3);
	palette.forEach((c, i) => {
		plte.set(c, i * 3);
	});
	return assemble(ihdr, plte, filtered);
}

// Reused between images: a fresh multi-megabyte buffer per image costs more in page faults
// than clearing an old one.
let scratch = new Uint8Array(0);
function zeroedScratch(size: number): Uint8Array {
	if (scratch.length < size) scratch = new Uint8Array(size);
	const view = scratch.subarray(0, size);
	view.fill(0);
	return view;
}

function sameRow(a: number[], ac: number[], b: number[], bc: number[]): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i] || ac[i] !== bc[i]) return false;
	return true;
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
		return {
			width: png.width,
			height: png.height,
			data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length),
		};
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

import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ImageSource } from "@bazaar/contracts";

// Image bytes are content-addressed: <imagesDir>/<sha256>. The same bytes are stored once, a
// file never changes once written, and its URL can be cached forever.

/** Longest side in pixels of each size the shop serves. */
export const IMAGE_SIZES = { thumb: 160, card: 480, full: 1200 } as const;
export type ImageSizeName = keyof typeof IMAGE_SIZES;

const HASH = /^[0-9a-f]{64}$/;

export function imagePath(imagesDir: string, hash: string): string | null {
	return HASH.test(hash) ? join(imagesDir, hash) : null;
}

export function sha256Hex(bytes: Uint8Array): string {
	return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

/** Stores PNG bytes and describes them as one source of an image. */
export function storePng(
	imagesDir: string,
	size: ImageSizeName,
	png: Uint8Array,
	width: number,
	height: number,
): ImageSource {
	const hash = sha256Hex(png);
	const path = join(imagesDir, hash);
	if (!existsSync(path)) {
		mkdirSync(imagesDir, { recursive: true });
		// Write-then-rename so a reader never sees a half-written file under its final name.
		const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
		writeFileSync(tmp, png);
		renameSync(tmp, path);
	}
	return { size, hash, contentType: "image/png", width, height, bytes: png.byteLength };
}

import { expect, test } from "bun:test";
import { PNG } from "pngjs";
import { UnsupportedMediaTypeError } from "./errors";
import { decodePng, downscale, encodeRgba, encodeRuns } from "./png";

test("run-encoded images decode to the painted pixels", () => {
	const png = encodeRuns(40, 30, [10, 20, 30], (y) =>
		y >= 10 && y < 20 ? [{ x0: 5, x1: 15, color: [200, 100, 50] }] : [],
	);
	const img = PNG.sync.read(Buffer.from(png));
	const px = (x: number, y: number) => [...img.data.subarray((y * 40 + x) * 4, (y * 40 + x) * 4 + 3)];
	expect([img.width, img.height]).toEqual([40, 30]);
	expect(px(0, 0)).toEqual([10, 20, 30]);
	expect(px(5, 10)).toEqual([200, 100, 50]);
	expect(px(14, 19)).toEqual([200, 100, 50]);
	expect(px(15, 19)).toEqual([10, 20, 30]);
	expect(px(7, 20)).toEqual([10, 20, 30]);
});

test("overlapping runs paint in order", () => {
	const png = encodeRuns(20, 1, [0, 0, 0], () => [
		{ x0: 2, x1: 12, color: [255, 0, 0] },
		{ x0: 6, x1: 8, color: [0, 255, 0] },
		{ x0: 10, x1: 30, color: [0, 0, 255] },
	]);
	const img = PNG.sync.read(Buffer.from(png));
	const colours = Array.from({ length: 20 }, (_, x) =>
		img.data[x * 4] ? "r" : img.data[x * 4 + 1] ? "g" : img.data[x * 4 + 2] ? "b" : ".",
	);
	expect(colours.join("")).toBe("..rrrrggrrbbbbbbbbbb");
});

test("RGBA round trip, downscale and refusals", () => {
	const rgba = new Uint8Array(8 * 4 * 4);
	for (let i = 0; i < rgba.length; i += 4) rgba.set([i % 256, 50, 200, 128], i);
	const decoded = decodePng(encodeRgba(8, 4, rgba));
	expect(decoded.data).toEqual(rgba);
	const small = downscale(decoded, 4);
	expect([small.width, small.height]).toEqual([4, 2]);
	expect(downscale(decoded, 100)).toBe(decoded);
	expect(() => decodePng(new TextEncoder().encode("GIF89a"))).toThrow(UnsupportedMediaTypeError);
	const bomb = encodeRgba(1, 1, new Uint8Array(4));
	new DataView(bomb.buffer).setUint32(16, 100_000);
	new DataView(bomb.buffer).setUint32(20, 100_000);
	expect(() => decodePng(bomb)).toThrow(UnsupportedMediaTypeError);
});

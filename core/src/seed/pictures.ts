import { encodeRuns, type Rgb, type Run } from "../lib/png";
import { chance, pick, type Rng } from "./random";

// Product pictures made at seed time: a flat background, an optional band pattern, a main
// shape and an accent, in colours and positions drawn per product, so every product (and
// every thumbnail in a listing) looks different. Shapes are described in unit coordinates and
// rasterised per size, so thumb, card and full show the same picture.

type ShapeKind = "circle" | "ring" | "diamond" | "square" | "triangle";

interface Shape {
	kind: ShapeKind;
	cx: number;
	cy: number;
	r: number;
	color: Rgb;
}

export interface Scene {
	background: Rgb;
	bands: { color: Rgb; period: number; offset: number } | null;
	shapes: Shape[];
}

export function hsl(h: number, s: number, l: number): Rgb {
	const a = s * Math.min(l, 1 - l);
	const f = (n: number) => {
		const k = (n + h / 30) % 12;
		return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
	};
	return [f(0), f(8), f(4)];
}

/** A scene for product `index`: hues walk the golden angle so neighbours never look alike. */
export function sceneFor(index: number, r: Rng): Scene {
	const hue = (index * 137.508) % 360;
	const background = hsl(hue, 0.35 + r() * 0.3, 0.82 + r() * 0.1);
	const main = hsl((hue + 180 + (r() - 0.5) * 60) % 360, 0.55 + r() * 0.35, 0.35 + r() * 0.2);
	const accent = hsl((hue + 90 + r() * 180) % 360, 0.6 + r() * 0.3, 0.5 + r() * 0.15);
	const kinds: ShapeKind[] = ["circle", "ring", "diamond", "square", "triangle"];
	const shapes: Shape[] = [
		{ kind: pick(r, kinds), cx: 0.4 + r() * 0.2, cy: 0.4 + r() * 0.2, r: 0.22 + r() * 0.12, color: main },
		{ kind: pick(r, kinds), cx: 0.15 + r() * 0.7, cy: 0.15 + r() * 0.7, r: 0.06 + r() * 0.07, color: accent },
	];
	const bands = chance(r, 0.6)
		? {
				color: hsl(hue, 0.3 + r() * 0.2, 0.74 + r() * 0.08),
				period: 0.06 + r() * 0.1,
				offset: r(),
			}
		: null;
	return { background, bands, shapes };
}

function span(shape: Shape, v: number): [number, number][] {
	const dy = v - shape.cy;
	const { cx, r } = shape;
	switch (shape.kind) {
		case "circle":
		case "ring": {
			if (Math.abs(dy) >= r) return [];
			const half = Math.sqrt(r * r - dy * dy);
			return [[cx - half, cx + half]];
		}
		case "diamond": {
			const half = r - Math.abs(dy);
			return half > 0 ? [[cx - half, cx + half]] : [];
		}
		case "square":
			return Math.abs(dy) < r * 0.8 ? [[cx - r * 0.8, cx + r * 0.8]] : [];
		case "triangle": {
			if (dy < -r || dy >= r * 0.8) return [];
			const half = ((dy + r) / (1.8 * r)) * r;
			return [[cx - half, cx + half]];
		}
	}
}

/** Renders a square PNG of `size` pixels. */
export function renderScene(scene: Scene, size: number): Uint8Array {
	return encodeRuns(size, size, scene.background, (y) => {
		const v = (y + 0.5) / size;
		const runs: Run[] = [];
		const bands = scene.bands;
		// Horizontal stripes: whole rows, so rows repeat and encode as nothing ("Up" filter).
		if (bands && Math.floor(v / bands.period + bands.offset) % 2 === 0) {
			runs.push({ x0: 0, x1: size, color: bands.color });
		}
		for (const shape of scene.shapes) {
			for (const [u0, u1] of span(shape, v)) runs.push({ x0: u0 * size, x1: u1 * size, color: shape.color });
			if (shape.kind === "ring") {
				const inner = { ...shape, kind: "circle" as const, r: shape.r * 0.55 };
				for (const [u0, u1] of span(inner, v)) runs.push({ x0: u0 * size, x1: u1 * size, color: scene.background });
			}
		}
		return runs;
	});
}

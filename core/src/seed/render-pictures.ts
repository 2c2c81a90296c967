import { availableParallelism } from "node:os";
import type { ImageSource } from "@bazaar/contracts";
import type { PictureJob } from "./picture-worker";
import type { Scene } from "./pictures";

// Rendering and compressing ~2,000 PNGs is the bulk of seeding; it is embarrassingly parallel,
// so it is spread over worker threads (one per core, at most four).

export async function renderPictures(imagesDir: string, scenes: Scene[]): Promise<ImageSource[][]> {
	const workers = Math.max(1, Math.min(4, availableParallelism(), Math.ceil(scenes.length / 50)));
	const size = Math.ceil(scenes.length / workers);
	const parts = await Promise.all(
		Array.from({ length: workers }, (_, w) => runWorker({ imagesDir, scenes: scenes.slice(w * size, (w + 1) * size) })),
	);
	return parts.flat();
}

function runWorker(job: PictureJob): Promise<ImageSource[][]> {
	if (job.scenes.length === 0) return Promise.resolve([]);
	return new Promise((resolve, reject) => {
		const worker = new Worker(new URL("./picture-worker.ts", import.meta.url));
		worker.onmessage = (event: MessageEvent<ImageSource[][]>) => {
			worker.terminate();
			resolve(event.data);
		};
		worker.onerror = (event) => {
			worker.terminate();
			reject(new Error(`picture worker failed: ${event.message}`));
		};
		worker.postMessage(job);
	});
}

import type { ImageSource } from "@bazaar/contracts";
import { IMAGE_SIZES, type ImageSizeName, storePng } from "../catalog/image-store";
import { renderScene, type Scene } from "./pictures";

// Renders and stores seed pictures off the main thread (see render-pictures.ts).

export interface PictureJob {
	imagesDir: string;
	scenes: Scene[];
}

declare const self: Worker;

self.onmessage = (event: MessageEvent<PictureJob>) => {
	const { imagesDir, scenes } = event.data;
	const out: ImageSource[][] = scenes.map((scene) =>
		(Object.keys(IMAGE_SIZES) as ImageSizeName[]).map((size) => {
			const px = IMAGE_SIZES[size];
			return storePng(imagesDir, size, renderScene(scene, px), px, px);
		}),
	);
	self.postMessage(out);
};

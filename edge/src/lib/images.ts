import type { ImageRef, ImageSource } from "@bazaar/contracts";

const EXT: Record<ImageSource["contentType"], string> = {
	"image/png": "png",
	"image/jpeg": "jpg",
	"image/webp": "webp",
};

/** Content-addressed, so the URL never changes meaning and can be cached forever. */
export function imageUrl(source: ImageSource): string {
	return `/img/${source.hash}.${EXT[source.contentType]}`;
}

export function imageSource(image: ImageRef, size: ImageSource["size"]): ImageSource {
	return image.sources.find((s) => s.size === size) ?? image.sources[0]!;
}

export function srcset(image: ImageRef): string {
	return [...image.sources]
		.sort((a, b) => a.width - b.width)
		.map((s) => `${imageUrl(s)} ${s.width}w`)
		.join(", ");
}

import {
	MAX_REVIEW_PHOTO_BYTES,
	MAX_REVIEW_PHOTOS,
	type ReviewPhoto,
	type ReviewPhotoUpload,
} from "@bazaar/contracts/review";
import jpeg from "jpeg-js";
import { storePng } from "../catalog/image-store";
import { ServiceError, UnsupportedMediaTypeError, ValidationError } from "../lib/errors";
import { type DecodedImage, decodePng, downscale, encodeRgba } from "../lib/png";

// Review photos go through the product images' pipeline: decoded to pixels, downscaled, encoded
// again as PNG and stored content-addressed beside the product images (the edge serves both at
// /img/<sha256>.png, R2 then the Cache API). Only the pixels survive: EXIF (GPS, camera serials),
// ICC profiles, comments and anything appended to the file are gone. The type a shopper names
// must be the type the bytes are.

/** Longest side of each size a review photo is kept in. */
export const REVIEW_PHOTO_SIZES = { thumb: 160, full: 1200 } as const;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_PIXELS = 40_000_000;
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

class TooLargeError extends ServiceError {
	constructor(message: string) {
		super(413, message);
	}
}

/** Decodes, checks and stores each upload; throws 400/413/415 before anything is stored. */
export function storeReviewPhotos(imagesDir: string, uploads: ReviewPhotoUpload[]): ReviewPhoto[] {
	if (uploads.length > MAX_REVIEW_PHOTOS) {
		throw new ValidationError(`A review has at most ${MAX_REVIEW_PHOTOS} photos.`);
	}
	// Every photo is decoded before any is stored: one bad photo stores nothing.
	const decoded = uploads.map((u, i) => decodeUpload(u, i));
	return decoded.map((image) => {
		const [thumb, full] = (["thumb", "full"] as const).map((size) => {
			const scaled = downscale(image, REVIEW_PHOTO_SIZES[size]);
			const source = storePng(
				imagesDir,
				size,
				encodeRgba(scaled.width, scaled.height, scaled.data),
				scaled.width,
				scaled.height,
			);
			return { hash: source.hash, width: source.width, height: source.height };
		});
		return { thumb: thumb!, full: full! };
	});
}

function decodeUpload(upload: ReviewPhotoUpload, index: number): DecodedImage {
	const which = `Photo ${index + 1}`;
	const compact = upload.dataBase64.replace(/\s+/g, "");
	if (!BASE64.test(compact)) throw new ValidationError(`${which} is not valid base64.`);
	const bytes = new Uint8Array(Buffer.from(compact, "base64"));
	if (bytes.byteLength > MAX_REVIEW_PHOTO_BYTES) {
		throw new TooLargeError(`${which} is larger than ${MAX_REVIEW_PHOTO_BYTES / 1024 / 1024} MB.`);
	}
	if (bytes.byteLength === 0) throw new UnsupportedMediaTypeError(`${which} is empty.`);
	if (upload.contentType === "image/png") {
		try {
			return decodePng(bytes);
		} catch (err) {
			throw new UnsupportedMediaTypeError(`${which} is not a PNG image (${(err as Error).message})`);
		}
	}
	if (JPEG_MAGIC.some((b, i) => bytes[i] !== b)) throw new UnsupportedMediaTypeError(`${which} is not a JPEG image.`);
	try {
		const image = jpeg.decode(bytes, {
			useTArray: true,
			formatAsRGBA: true,
			maxResolutionInMP: MAX_PIXELS / 1_000_000,
			maxMemoryUsageInMB: 512,
		});
		return { width: image.width, height: image.height, data: new Uint8Array(image.data) };
	} catch (err) {
		throw new UnsupportedMediaTypeError(`${which} is not a JPEG image that can be read (${(err as Error).message}).`);
	}
}

import type { ImageInput, ImageRef } from "@bazaar/contracts";
import { newId } from "@bazaar/ids";
import { eq, sql } from "drizzle-orm";
import { NotFoundError, UnsupportedMediaTypeError } from "../lib/errors";
import { decodePng, downscale, encodeRgba } from "../lib/png";
import { type Catalog, catalogWrite, nowIso } from "./context";
import { IMAGE_SIZES, type ImageSizeName, storePng } from "./image-store";
import { imageSources, images, products } from "./schema";

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes an uploaded PNG, makes the thumb/card/full sizes, stores them and records the image. */
export async function addImage(catalog: Catalog, productId: string, input: ImageInput): Promise<ImageRef> {
	const compact = input.pngBase64.replace(/\s+/g, "");
	if (!BASE64.test(compact)) throw new UnsupportedMediaTypeError("`pngBase64` is not valid base64.");
	const decoded = decodePng(Buffer.from(compact, "base64"));

	// The work on pixels happens before the transaction, so the write lock is held only briefly.
	const sources = (Object.keys(IMAGE_SIZES) as ImageSizeName[]).map((size) => {
		const scaled = downscale(decoded, IMAGE_SIZES[size]);
		return storePng(
			catalog.imagesDir,
			size,
			encodeRgba(scaled.width, scaled.height, scaled.data),
			scaled.width,
			scaled.height,
		);
	});

	const id = newId("img");
	const position = await catalogWrite(catalog, async (tx, emit) => {
		const [product] = await tx.select().from(products).where(eq(products.id, productId)).limit(1);
		if (!product) throw new NotFoundError(`Product ${productId}`);
		const [next] = await tx
			.select({ n: sql<number>`coalesce(max(${images.position}) + 1, 0)` })
			.from(images)
			.where(eq(images.productId, productId));
		const pos = input.position ?? next?.n ?? 0;
		await tx.insert(images).values({ id, productId, alt: input.alt, position: pos, createdAt: nowIso() });
		await tx.insert(imageSources).values(sources.map((s) => ({ imageId: id, ...s })));
		await tx.update(products).set({ updatedAt: nowIso() }).where(eq(products.id, productId));
		emit("catalog.image.added", { productId, slug: product.slug, categoryId: product.categoryId });
		return pos;
	});
	return { id, alt: input.alt, position, sources };
}

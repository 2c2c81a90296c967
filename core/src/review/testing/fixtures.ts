import { join } from "node:path";
import type { Caller } from "@bazaar/signature";
import { Hono } from "hono";
import jpeg from "jpeg-js";
import { type AppEnv, notFound, onError, requireSignature } from "../../lib/http";
import { encodeRgba } from "../../lib/png";
import { SECRET, tempDir } from "../../testing/harness";
import { signedInit } from "../../testing/signed-init";
import { rows } from "../../testing/sql";
import { openReviews, type ReviewModule } from "../module";
import { reviewAdminRoutes, reviewRoutes } from "../routes";

// Review tests on real parts: a temporary libSQL file and images folder, the routes mounted as
// app.ts mounts them, signed calls as the edge makes them. Deliveries are recorded through the
// module's verb, as the order.delivered flow does (workflows/review-flows.ts, tested end to end
// in review-flow.test.ts).

export const MODERATOR: Caller = { user: "usr_01MODERATOR00000000000000", roles: ["moderator"] };
export const ADMIN: Caller = { user: "usr_01ADMIN000000000000000000", roles: ["admin"] };

let n = 0;
/** A customer caller with a fresh id. */
export function customer(): Caller {
	n++;
	return { user: `usr_01CUST${String(Date.now()).slice(-6)}${String(n).padStart(12, "0")}`, roles: ["customer"] };
}
export function productId(): string {
	n++;
	return `prod_01TEST${String(Date.now()).slice(-6)}${String(n).padStart(10, "0")}`;
}
export function orderId(): string {
	n++;
	return `ord_01TEST${String(Date.now()).slice(-8)}${String(n).padStart(8, "0")}`;
}

export interface ReviewHarness {
	dir: string;
	mod: ReviewModule;
	call(method: string, path: string, init?: { body?: unknown; caller?: Caller }): Promise<Response>;
	/** Records that `caller` received `product` (what order.delivered does). */
	deliver(caller: Caller, product: string, order?: string): Promise<void>;
	/** Event types in the module's outbox, oldest first. */
	outbox(): Promise<string[]>;
	close(): Promise<void>;
}

export async function reviewHarness(): Promise<ReviewHarness> {
	const dir = tempDir("bazaar-review-");
	const mod = await openReviews({
		url: `file:${join(dir, "review.db")}`,
		imagesDir: join(dir, "images"),
		authorName: async (id) => `Shopper ${id.slice(-3)}`,
	});
	const app = new Hono<AppEnv>();
	app.use("*", requireSignature(SECRET));
	app.route("/reviews/admin", reviewAdminRoutes(mod));
	app.route("/reviews", reviewRoutes(mod));
	app.notFound(notFound);
	app.onError(onError);
	return {
		dir,
		mod,
		async call(method, path, init = {}) {
			return app.request(path, await signedInit(method, path, init, init.caller ?? ADMIN));
		},
		async deliver(caller, product, order = orderId()) {
			await mod.context.database.write((tx) =>
				mod.recordDeliveredIn(tx, {
					customerId: caller.user,
					orderId: order,
					deliveredAt: new Date().toISOString(),
					lines: [{ productId: product, productSlug: `slug-${product.slice(-6)}`, productTitle: "Test kettle" }],
				}),
			);
		},
		async outbox() {
			const res = await rows(mod.context.database, "SELECT type FROM bus_outbox ORDER BY seq");
			return res.map((r) => String(r.type));
		},
		close: () => mod.stop(),
	};
}

/** A small PNG (solid colour), base64. */
export function pngBase64(width = 40, height = 30): string {
	const rgba = new Uint8Array(width * height * 4).fill(200);
	return Buffer.from(encodeRgba(width, height, rgba)).toString("base64");
}

/** A JPEG with an EXIF block carrying a GPS-like marker after SOI, base64. */
export function jpegWithExifBase64(marker: string): string {
	const width = 32;
	const height = 24;
	const data = Buffer.alloc(width * height * 4, 128);
	const encoded = jpeg.encode({ data, width, height }, 80).data;
	const payload = Buffer.concat([Buffer.from("Exif\0\0"), Buffer.from(marker)]);
	const app1 = Buffer.concat([
		Buffer.from([0xff, 0xe1]),
		Buffer.from([(payload.length + 2) >> 8, (payload.length + 2) & 255]),
		payload,
	]);
	return Buffer.concat([encoded.subarray(0, 2), app1, encoded.subarray(2)]).toString("base64");
}

/** Noise that PNG cannot compress: width × height × 4 bytes and then some. */
export function hugePngBase64(width = 900, height = 800): string {
	const rgba = crypto.getRandomValues(new Uint8Array(width * height * 4).subarray(0, 65536));
	const full = new Uint8Array(width * height * 4);
	for (let i = 0; i < full.length; i += 65536) {
		full.set(crypto.getRandomValues(rgba).subarray(0, Math.min(65536, full.length - i)), i);
	}
	return Buffer.from(encodeRgba(width, height, full)).toString("base64");
}

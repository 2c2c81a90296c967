import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { etagMatches } from "../cache/entry";
import { sha256Hex } from "../lib/bytes";
import { coreClient } from "../lib/core";
import { apiProblem } from "../lib/problems";
import { apiRouter, passThrough, problem } from "../openapi/route-kit";

// Content-addressed images: /img/<sha256>.<ext>. The name is the checksum, so a response can be
// cached forever, and bytes from the origin are verified against it before anyone sees them.
// Read path: Cache API → R2 → core (then stored in R2 for good).

const NAME = /^([0-9a-f]{64})\.(png|jpg|webp)$/;
const TYPES = new Set(["image/png", "image/jpeg", "image/webp"]);
const TYPE_OF_EXT: Record<string, string> = { png: "image/png", jpg: "image/jpeg", webp: "image/webp" };
const IMMUTABLE = "public, max-age=31536000, immutable";
const CACHE_ORIGIN = "https://cache.bazaar.internal/img/";

function imageResponse(body: BodyInit | null, hash: string, contentType: string, layer: string): Response {
	return new Response(body, {
		headers: {
			"content-type": contentType,
			"cache-control": IMMUTABLE,
			etag: `"${hash}"`,
			"x-content-type-options": "nosniff",
			"x-bazaar-cache": layer,
		},
	});
}

const getImage = createRoute({
	method: "get",
	path: "/img/{name}",
	tags: ["images"],
	operationId: "getImage",
	summary: "Get an image",
	description: "`name` is `<sha-256 of the bytes>.<png|jpg|webp>`; responses are immutable.",
	request: {
		params: z.object({
			name: z
				.string()
				.regex(NAME)
				.meta({ example: `${"0".repeat(64)}.png` }),
		}),
	},
	responses: {
		200: {
			description: "The image bytes.",
			content: {
				"image/png": { schema: z.string() },
				"image/jpeg": { schema: z.string() },
				"image/webp": { schema: z.string() },
			},
		},
		304: { description: "Not modified (If-None-Match matched the ETag)." },
		400: problem("Malformed image name."),
		404: problem("No image has this hash."),
	},
});

// The name is checked by the handler (a malformed one is a 400, not an address that names nothing).
export const images = passThrough(apiRouter(), getImage, async (c) => {
	const match = NAME.exec(c.req.param("name") ?? "");
	if (!match) return apiProblem(400, "Image names are /img/<sha-256 hex>.<png|jpg|webp>.");
	const hash = match[1] as string;
	const ext = match[2] as string;

	// The tag is the name: a client that has these bytes needs no lookup at all.
	const inm = c.req.header("if-none-match");
	if (inm && etagMatches(inm, `"${hash}"`)) {
		return new Response(null, { status: 304, headers: { etag: `"${hash}"`, "cache-control": IMMUTABLE } });
	}

	const cache = caches.default;
	const cacheKey = CACHE_ORIGIN + hash;
	const cached = await cache.match(cacheKey);
	if (cached) {
		return imageResponse(cached.body, hash, cached.headers.get("content-type") ?? TYPE_OF_EXT[ext]!, "cache");
	}

	const object = await c.env.IMAGES.get(hash);
	if (object) {
		const bytes = await object.arrayBuffer();
		const type = object.httpMetadata?.contentType ?? TYPE_OF_EXT[ext]!;
		c.executionCtx.waitUntil(cache.put(cacheKey, imageResponse(bytes, hash, type, "r2")).catch(() => {}));
		return imageResponse(bytes, hash, type, "r2");
	}

	let res: Response;
	try {
		res = await coreClient(c.env).request("GET", `/catalog/images/${hash}`);
	} catch {
		return apiProblem(503, "The image origin is unreachable; try again shortly.");
	}
	if (res.status === 404) return apiProblem(404, "No image has that hash.");
	if (!res.ok) return apiProblem(502, `The image origin answered ${res.status}.`);
	const bytes = await res.arrayBuffer();
	if ((await sha256Hex(bytes)) !== hash)
		return apiProblem(502, "The image origin sent bytes that do not match the hash.");
	const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
	const contentType = TYPES.has(type) ? type : TYPE_OF_EXT[ext]!;
	// R2 re-checks the checksum on write; the image is durable at the edge before we answer.
	await c.env.IMAGES.put(hash, bytes, { httpMetadata: { contentType }, sha256: hash });
	c.executionCtx.waitUntil(cache.put(cacheKey, imageResponse(bytes, hash, contentType, "core")).catch(() => {}));
	return imageResponse(bytes, hash, contentType, "core");
});

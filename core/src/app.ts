import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { catalogHotRead } from "./catalog/hot-read";
import type { CatalogModule } from "./catalog/module";
import { catalogRoutes } from "./catalog/routes";
import { type AppEnv, notFound, onError, payloadTooLarge, requireSignature } from "./lib/http";

// The core's HTTP surface. Only /healthz is open; everything else must be signed by the edge.

export const MAX_BODY_BYTES = 1024 * 1024;
/** Image uploads carry a base64 PNG (ImageInput allows up to 8 MB of it). */
export const MAX_IMAGE_BODY_BYTES = 10 * 1024 * 1024;
const IMAGE_UPLOAD = /^\/catalog\/admin\/products\/[^/]+\/images\/?$/;

export interface AppDeps {
	secret: string;
	catalog: CatalogModule;
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	app.get("/healthz", (c) => c.json({ ok: true, service: "core" }));

	const small = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: payloadTooLarge(MAX_BODY_BYTES) });
	const large = bodyLimit({ maxSize: MAX_IMAGE_BODY_BYTES, onError: payloadTooLarge(MAX_IMAGE_BODY_BYTES) });
	app.use("*", (c, next) => {
		const method = c.req.method;
		if (method === "GET" || method === "HEAD") return next();
		return IMAGE_UPLOAD.test(c.req.path) ? large(c, next) : small(c, next);
	});
	app.use("*", requireSignature(deps.secret));

	app.route("/catalog", catalogRoutes(deps.catalog));
	app.notFound(notFound);
	app.onError(onError);
	return app;
}

/** What Bun.serve calls: cached catalog reads straight from memory, everything else through the app. */
export function createFetch(deps: AppDeps): (req: Request) => Response | Promise<Response> {
	const app = createApp(deps);
	const hot = catalogHotRead(deps.catalog.cache, deps.secret);
	return (req) => hot(req) ?? app.fetch(req);
}

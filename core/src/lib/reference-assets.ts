import { REFERENCE_ASSETS, type ReferenceAsset, SWAGGER_UI_VERSION } from "@bazaar/contracts";
import { Hono } from "hono";
import { NotFoundError } from "./errors";
import type { AppEnv } from "./http";

// The API reference's renderer (swagger-ui-dist, an npm package) for the edge to serve from the
// shop's origin under /assets: the Worker cannot bundle a 1.7 MB script as text, so it reads the
// files from here once and keeps them in its cache. Only the pinned release's two files exist.

const installed = (await Bun.file(Bun.resolveSync("swagger-ui-dist/package.json", import.meta.dir)).json()) as {
	version: string;
};

export function referenceAssetRoutes(): Hono<AppEnv> {
	return new Hono<AppEnv>().get("/:version/:file", (c) => {
		const { version, file } = c.req.param();
		const type = Object.hasOwn(REFERENCE_ASSETS, file) ? REFERENCE_ASSETS[file as ReferenceAsset] : undefined;
		if (!type || version !== SWAGGER_UI_VERSION || installed.version !== SWAGGER_UI_VERSION) {
			throw new NotFoundError(`Reference asset ${version.slice(0, 20)}/${file.slice(0, 40)}`);
		}
		return new Response(Bun.file(Bun.resolveSync(`swagger-ui-dist/${file}`, import.meta.dir)), {
			headers: { "content-type": type, "cache-control": "public, max-age=31536000, immutable" },
		});
	});
}

import { Hono } from "hono";
import { etagMatches } from "../cache/entry";
import { DOCS_CSP } from "../docs/reference-assets";
import { ReferencePage } from "../docs/reference-page";
import type { AppEnv } from "../env";
import { etagOf, utf8 } from "../lib/bytes";
import { HTML_TYPE, renderHtml } from "../lib/html";
import { buildOpenApi } from "../openapi/document";
import { DocsPage } from "../views/docs-page";

// Both documents are built once per isolate and served as bytes with an ETag.
interface Built {
	body: Uint8Array;
	etag: string;
	type: string;
}
let spec: Promise<Built> | undefined;
let docs: Promise<Built> | undefined;
let plain: Promise<Built> | undefined;

async function built(body: Uint8Array, type: string): Promise<Built> {
	return { body, etag: await etagOf(body), type };
}

function serve(b: Built, request: Request, extra: Record<string, string> = {}): Response {
	const headers = {
		...extra,
		"content-type": b.type,
		etag: b.etag,
		"cache-control": "public, max-age=300",
		"x-content-type-options": "nosniff",
	};
	const inm = request.headers.get("if-none-match");
	if (inm && etagMatches(inm, b.etag)) return new Response(null, { status: 304, headers });
	return new Response(b.body, { headers });
}

export const openapi = new Hono<AppEnv>()
	.get("/openapi.json", async (c) => {
		spec ??= built(utf8(JSON.stringify(buildOpenApi())), "application/json; charset=utf-8");
		return serve(await spec, c.req.raw);
	})
	.get("/docs", async (c) => {
		docs ??= (async () => built(await renderHtml(<ReferencePage />), HTML_TYPE))();
		return serve(await docs, c.req.raw, { "content-security-policy": DOCS_CSP });
	})
	// The same reference rendered on the server, for readers without script.
	.get("/docs/plain", async (c) => {
		plain ??= (async () => built(await renderHtml(<DocsPage doc={buildOpenApi()} />), HTML_TYPE))();
		return serve(await plain, c.req.raw);
	});

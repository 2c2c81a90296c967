import { Hono } from "hono";
import { etagMatches } from "../cache/entry";
import { HEADER_SCRIPT, HEADER_SCRIPT_VERSION } from "../cart/header-script";
import type { AppEnv } from "../env";
import { utf8 } from "../lib/bytes";

// Static script(s) served by the edge. Pages link the versioned URL (`?v=<hash>`), which never
// changes meaning and is cached for a year; any other URL for it gets a short max-age.

const BODY = utf8(HEADER_SCRIPT);
const ETAG = `"${HEADER_SCRIPT_VERSION}"`;
const IMMUTABLE = "public, max-age=31536000, immutable";
const SHORT = "public, max-age=300";

export const assets = new Hono<AppEnv>().get("/header.js", (c) => {
	const headers = {
		"content-type": "text/javascript; charset=utf-8",
		"cache-control": c.req.query("v") === HEADER_SCRIPT_VERSION ? IMMUTABLE : SHORT,
		etag: ETAG,
		"x-content-type-options": "nosniff",
	};
	const inm = c.req.header("if-none-match");
	if (inm && etagMatches(inm, ETAG)) return new Response(null, { status: 304, headers });
	return new Response(BODY as Uint8Array<ArrayBuffer>, { headers });
});

import { Hono } from "hono";
import { etagMatches } from "../cache/entry";
import { HEADER_SCRIPT, HEADER_SCRIPT_VERSION } from "../cart/header-script";
import { STRIPE_PAY_SCRIPT, STRIPE_PAY_SCRIPT_VERSION } from "../checkout/stripe-pay-script";
import { CONSOLE_SCRIPT, CONSOLE_SCRIPT_VERSION } from "../console/script";
import { DOCS_SCRIPT, serveReferenceAsset } from "../docs/reference-assets";
import { DOCS_SCRIPT_VERSION } from "../docs/reference-page";
import type { AppContext, AppEnv } from "../env";
import { utf8 } from "../lib/bytes";
import { SUPPORT_CONSOLE_SCRIPT, SUPPORT_CONSOLE_SCRIPT_VERSION } from "../support-console/live-script";
import {
	PARTYSOCKET_SCRIPT,
	PARTYSOCKET_SCRIPT_VERSION,
	SUPPORT_CLIENT_SCRIPT,
	SUPPORT_CLIENT_SCRIPT_VERSION,
} from "../support-widget/client-script";
import { SUPPORT_WIDGET_SCRIPT, SUPPORT_WIDGET_SCRIPT_VERSION } from "../support-widget/widget-script";

// Static scripts served by the edge. Pages link the versioned URL (`?v=<hash>`), which never
// changes meaning and is cached for a year; any other URL for one gets a short max-age.

const IMMUTABLE = "public, max-age=31536000, immutable";
const SHORT = "public, max-age=300";

function script(source: string, version: string) {
	const body = utf8(source);
	const etag = `"${version}"`;
	return (c: AppContext) => {
		const headers = {
			"content-type": "text/javascript; charset=utf-8",
			"cache-control": c.req.query("v") === version ? IMMUTABLE : SHORT,
			etag,
			"x-content-type-options": "nosniff",
		};
		const inm = c.req.header("if-none-match");
		if (inm && etagMatches(inm, etag)) return new Response(null, { status: 304, headers });
		return new Response(body as Uint8Array<ArrayBuffer>, { headers });
	};
}

export const assets = new Hono<AppEnv>()
	// The API reference (/docs): Swagger UI and the few lines that start it.
	.get("/swagger-ui/:version/:file", serveReferenceAsset)
	.get("/docs.js", script(DOCS_SCRIPT, DOCS_SCRIPT_VERSION))
	.get("/header.js", script(HEADER_SCRIPT, HEADER_SCRIPT_VERSION))
	// The admin console's: image previews and confirmations (it works without).
	.get("/console.js", script(CONSOLE_SCRIPT, CONSOLE_SCRIPT_VERSION))
	// The Payment Element page's (checkout/pay): mounts Stripe's Element and confirms with it.
	.get("/stripe-pay.js", script(STRIPE_PAY_SCRIPT, STRIPE_PAY_SCRIPT_VERSION))
	// Support chat: partysocket (bundled from node_modules, ES module) and the one client module the
	// shopper's widget and the agents' console share.
	.get("/partysocket.js", script(PARTYSOCKET_SCRIPT, PARTYSOCKET_SCRIPT_VERSION))
	.get("/support-client.js", script(SUPPORT_CLIENT_SCRIPT, SUPPORT_CLIENT_SCRIPT_VERSION))
	// The agents' live console (/support/live), built on the client above.
	.get("/support-console.js", script(SUPPORT_CONSOLE_SCRIPT, SUPPORT_CONSOLE_SCRIPT_VERSION))
	// The shopper's chat launcher on storefront pages (views/layout.tsx).
	.get("/support-widget.js", script(SUPPORT_WIDGET_SCRIPT, SUPPORT_WIDGET_SCRIPT_VERSION));

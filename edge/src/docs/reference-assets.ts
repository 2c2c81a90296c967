import { REFERENCE_ASSETS, type ReferenceAsset, SWAGGER_UI_VERSION } from "@bazaar/contracts";
import type { AppContext } from "../env";
import { coreClient } from "../lib/core";
import { apiProblem } from "../lib/problems";

// The API reference's renderer: Swagger UI (swagger-ui-dist, kept by SmartBear), served from this
// origin, so /docs needs nothing from another site and its CSP stays `script-src 'self'` (no
// inline script, no eval). It renders the descriptions' Markdown as formatted text. The files
// come from the core once (the Worker cannot bundle them as text) and then from the Cache API;
// their URLs carry the release, so browsers keep them for a year. docs.js starts the renderer.

const CACHE_ORIGIN = "https://cache.bazaar.internal";
const IMMUTABLE = "public, max-age=31536000, immutable";

export const referenceAssetUrl = (file: ReferenceAsset) => `/assets/swagger-ui/${SWAGGER_UI_VERSION}/${file}`;

export async function serveReferenceAsset(c: AppContext): Promise<Response> {
	const { version, file } = c.req.param() as { version: string; file: string };
	if (version !== SWAGGER_UI_VERSION || !Object.hasOwn(REFERENCE_ASSETS, file)) {
		return apiProblem(404, "There is no such file.");
	}
	const key = `${CACHE_ORIGIN}/reference-assets/${version}/${file}`;
	const cached = await caches.default.match(key);
	if (cached) return cached;
	let res: Response;
	try {
		res = await coreClient(c.env).request("GET", `/reference-assets/${version}/${file}`);
	} catch {
		return apiProblem(503, "The reference is unavailable; try again shortly.");
	}
	if (res.status !== 200) return apiProblem(502, `The core answered ${res.status} for the reference.`);
	const body = await res.arrayBuffer();
	const headers = {
		"content-type": REFERENCE_ASSETS[file as ReferenceAsset],
		"cache-control": IMMUTABLE,
		"x-content-type-options": "nosniff",
	};
	c.executionCtx.waitUntil(caches.default.put(key, new Response(body, { headers })).catch(() => {}));
	return new Response(body, { headers });
}

export const DOCS_SCRIPT = `"use strict";
window.addEventListener("DOMContentLoaded", function () {
	var root = document.getElementById("api-reference");
	if (!root || !window.SwaggerUIBundle) return;
	window.SwaggerUIBundle({
		url: root.getAttribute("data-spec"),
		domNode: root,
		// No call to the public validator (another origin): the document is checked by our tests.
		validatorUrl: null,
		// Deep links put a link inside each operation's toggle button (a control in a control).
		deepLinking: false,
		docExpansion: "list",
		defaultModelsExpandDepth: 0,
		tryItOutEnabled: false,
		syntaxHighlight: false,
	});
	// Swagger UI leaves some selects without a name (servers, parameter values): give each one
	// from its row, so a screen reader says what it picks. It renders late, so watch the tree.
	var name = function () {
		var selects = root.querySelectorAll("select:not([aria-label])");
		for (var i = 0; i < selects.length; i++) {
			var row = selects[i].closest("tr[data-param-name]");
			selects[i].setAttribute("aria-label", row ? "Value of " + row.getAttribute("data-param-name") : "Server");
		}
	};
	new MutationObserver(name).observe(root, { childList: true, subtree: true });
});
`;

/**
 * Swagger UI's own colours miss WCAG AA contrast (white on light blue and green); these keep its
 * layout and darken them (marked important: its selectors outrank ours). The lock and copy buttons inside each operation's toggle are hidden:
 * a button inside a button is unreachable by keyboard and confusing to a screen reader.
 */
export const DOCS_CSS = `
.swagger-ui .opblock.opblock-get .opblock-summary-method,.swagger-ui .opblock.opblock-head .opblock-summary-method{background:#0b57d0!important;color:#fff!important}
.swagger-ui .opblock.opblock-post .opblock-summary-method{background:#1e6b3a!important}
.swagger-ui .opblock.opblock-put .opblock-summary-method{background:#8a4b00!important}
.swagger-ui .opblock.opblock-patch .opblock-summary-method{background:#005f56!important}
.swagger-ui .opblock.opblock-delete .opblock-summary-method{background:#b3261e!important}
.swagger-ui .info .title small,.swagger-ui .info .title small pre,.swagger-ui .info .title small .version{background:#4a4f59!important;color:#fff!important}
.swagger-ui .info .title small.version-stamp{background:#3d5c00!important}
.swagger-ui .info a,.swagger-ui .info .url,.swagger-ui a.nostyle,.swagger-ui .info__tos a{color:#0b57d0!important}
.swagger-ui .btn.authorize{color:#1e6b3a!important;border-color:#1e6b3a!important}.swagger-ui .btn.authorize svg{fill:#1e6b3a!important}
.swagger-ui .opblock-summary .authorization__btn,.swagger-ui .opblock-summary .copy-to-clipboard{display:none!important}
.swagger-ui .microlight,.swagger-ui .highlight-code pre{overflow:visible!important;white-space:pre-wrap!important;max-height:none!important}
.swagger-ui .opblock-tag small,.swagger-ui .parameter__in,.swagger-ui .prop-format,.swagger-ui .parameter__type,.swagger-ui .response-col_links,.swagger-ui .opblock-description-wrapper p,.swagger-ui table thead tr td,.swagger-ui table thead tr th,.swagger-ui .tab li,.swagger-ui .model-title,.swagger-ui .model,.swagger-ui .prop-type{color:#1d1d1f!important}
.swagger-ui .parameter__name.required span,.swagger-ui .parameter__name.required:after{color:#b3261e!important}
.swagger-ui .opblock .opblock-summary-path,.swagger-ui .opblock .opblock-summary-description{color:#1d1d1f!important}
`;

/** The CSP of /docs: the page CSP, plus our own stylesheet and Swagger UI's data: icons. */
export const DOCS_CSP =
	"default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

import { fnv1a } from "../cart/header-script";
import { Layout } from "../views/layout";
import { DOCS_CSS, DOCS_SCRIPT, referenceAssetUrl } from "./reference-assets";

// /docs: the storefront's frame around Swagger UI, which renders /openapi.json in the page. The
// renderer's files are versioned URLs (cached for a year); without script the page links the
// server-rendered reference and the raw document.

/** docs.js is ours: its URL changes whenever it does. */
export const DOCS_SCRIPT_VERSION = fnv1a(DOCS_SCRIPT);

export function ReferencePage() {
	return (
		<Layout
			title="API reference"
			description="The Bazaar storefront's HTTP API: catalog, cart, checkout, orders and staff endpoints."
			stylesheets={[referenceAssetUrl("swagger-ui.css")]}
			css={DOCS_CSS}
			scripts={[referenceAssetUrl("swagger-ui-bundle.js"), `/assets/docs.js?v=${DOCS_SCRIPT_VERSION}`]}
			supportWidget={false}
		>
			<h1>API reference</h1>
			<p>
				The machine-readable document is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1); the same reference
				without script is at <a href="/docs/plain">/docs/plain</a>.
			</p>
			<div id="api-reference" data-spec="/openapi.json">
				<noscript>
					<p>
						This reference needs JavaScript to render. Read <a href="/docs/plain">the plain reference</a> instead.
					</p>
				</noscript>
			</div>
		</Layout>
	);
}

/**
 * The Swagger UI release (swagger-ui-dist) the core serves to the edge for /docs. Its files are
 * cached for a year under URLs that carry it; the core refuses any other, so a mismatch shows.
 */
export const SWAGGER_UI_VERSION = "5.35.0";
export const REFERENCE_ASSETS = {
	"swagger-ui-bundle.js": "text/javascript; charset=utf-8",
	"swagger-ui.css": "text/css; charset=utf-8",
} as const;
export type ReferenceAsset = keyof typeof REFERENCE_ASSETS;

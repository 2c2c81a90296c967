import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PARTYSOCKET_VERSION } from "../src/support-widget/partysocket-bundle";
import { get } from "./account-support";
import { makeProduct } from "./cart-fixtures";
import { staffBrowser } from "./console-support";
import { edge } from "./helpers";

// The support chat's browser code comes from our own origin: partysocket (bundled from the
// installed package), the one client module the widget and the agents' console import, and the
// shopper's widget, each at a versioned URL cached for a year. Every storefront page loads the
// widget (a module script, no inline code) under a CSP that still allows scripts from 'self' only
// and connections to this host (its WebSockets named too); the staff consoles and tool pages do not.

const IMMUTABLE = "public, max-age=31536000, immutable";

async function immutableScript(url: string) {
	const res = await edge(url);
	expect(res.status, url).toBe(200);
	expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
	expect(res.headers.get("x-content-type-options")).toBe("nosniff");
	expect(res.headers.get("cache-control")).toBe(IMMUTABLE);
	const etag = res.headers.get("etag")!;
	expect((await edge(url, { headers: { "if-none-match": etag } })).status).toBe(304);
	return res.text();
}

describe("support chat scripts", () => {
	it("serve the client module, which imports partysocket from our versioned URL", async () => {
		const { SUPPORT_CLIENT_URL } = await import("../src/support-widget/client-script");
		expect(SUPPORT_CLIENT_URL).toMatch(/^\/assets\/support-client\.js\?v=[0-9a-f]{8}$/);
		const client = await immutableScript(SUPPORT_CLIENT_URL);
		for (const name of ["connectSupport", "joinSupport", "newClientId", "parseFrame"]) {
			expect(client).toMatch(new RegExp(`^export (async )?function ${name}\\(`, "m"));
		}
		const partysocketUrl = /import \{ PartySocket \} from "([^"]+)";/.exec(client)?.[1];
		expect(partysocketUrl).toMatch(/^\/assets\/partysocket\.js\?v=[0-9a-f]{8}$/);
		expect(client).not.toMatch(/https?:\/\//);

		const partysocket = await immutableScript(partysocketUrl!);
		expect(partysocket).toContain(`partysocket ${PARTYSOCKET_VERSION}`);
		// One self-contained ES module: nothing more to fetch, from us or anyone (the one "import"
		// in it is in the text of a warning for Node users).
		expect(partysocket).not.toMatch(/from\s*["'](\.|\/|https?:)/);
		expect(partysocket).not.toMatch(/\bimport\s*\(/);
		expect(partysocket).toMatch(/export\{[^}]*as PartySocket/);

		// Another version than the page links is answered, but cached briefly.
		const plain = await edge("/assets/support-client.js");
		expect(plain.headers.get("cache-control")).toBe("public, max-age=300");
		expect(await plain.text()).toBe(client);
	});
});

const WIDGET_TAG = /<script type="module" src="(\/assets\/support-widget\.js\?v=[0-9a-f]{8})"><\/script>/;

function directives(res: Response): Map<string, string> {
	return new Map(
		(res.headers.get("content-security-policy") ?? "").split(";").map((d) => {
			const [name, ...values] = d.trim().split(/\s+/);
			return [name!, values.join(" ")] as const;
		}),
	);
}

describe("the shopper's chat widget", () => {
	it("is on every storefront page, from our own origin, under the strict page policy", async () => {
		const { product } = await makeProduct([2]);
		const pages = ["/", `/products/${product.slug}`, "/search?q=lamp", "/cart", "/account/login", "/orders/lookup"];
		let widgetUrl = "";
		for (const path of pages) {
			const res = await edge(path);
			const html = await res.text();
			expect(res.status, path).toBe(200);
			const src = WIDGET_TAG.exec(html)?.[1];
			expect(src, path).toBeDefined();
			widgetUrl = src!;
			const csp = directives(res);
			expect(csp.get("script-src"), path).toBe("'self'");
			expect(csp.get("default-src"), path).toBe("'none'");
			expect(csp.get("connect-src"), path).toBe("'self' wss://shop.example");
		}
		// On plain http (a local stack) the socket origin is ws://.
		const local = await exports.default.fetch("http://127.0.0.1:8787/");
		expect(directives(local).get("connect-src")).toBe("'self' ws://127.0.0.1:8787");

		const widget = await immutableScript(widgetUrl);
		const { SUPPORT_CLIENT_URL } = await import("../src/support-widget/client-script");
		// It loads the client (and so partysocket) only when needed: a dynamic import, not a static one.
		expect(widget).toContain(`var CLIENT_URL = "${SUPPORT_CLIENT_URL}";`);
		expect(widget).toContain("import(CLIENT_URL)");
		expect(widget).not.toMatch(/^import /m);
		// Nothing anyone wrote is parsed as HTML.
		expect(widget).not.toMatch(/innerHTML|insertAdjacentHTML|outerHTML|document\.write/);
		expect(widget).toContain('"/api/support/tickets"');
	});

	it("is not on the staff consoles or the tool pages", async () => {
		const staff = await staffBrowser(["admin"]);
		for (const path of ["/admin", "/support"]) {
			const page = await get(staff.jar, path);
			expect(page.res.status, path).toBe(200);
			expect(page.html, path).not.toContain("support-widget.js");
		}
		const docs = await edge("/docs");
		expect(docs.status).toBe(200);
		expect(await docs.text()).not.toContain("support-widget.js");
	}, 60_000);
});

import { z } from "zod";

// Per-region cores behind one Worker. CORE_URLS (optional) maps the continent a request comes
// from (Cloudflare's `request.cf.continent`) to the core that serves it; CORE_URL serves every
// other continent, and everyone while CORE_URLS is unset. The cores of one shop share their
// databases and Redis (README "Deploy"), so any of them can answer any request: the map only
// picks the nearest. Chosen once per request, before the router, so every call to the core in
// that request — pages, API, webhooks, images — goes to the same one.

export const CONTINENTS = ["AF", "AN", "AS", "EU", "NA", "OC", "SA"] as const satisfies readonly ContinentCode[];

const CoreOrigin = z
	.url({ protocol: /^https?$/, error: "must be an http(s) URL" })
	.refine((u) => {
		// Refinements run even when the URL check failed: that one has said what is wrong.
		if (!URL.canParse(u)) return true;
		const url = new URL(u);
		return url.search === "" && url.hash === "" && url.username === "" && url.password === "";
	}, "must be a plain origin (no query, fragment or credentials)")
	// CoreClient appends paths that start with "/".
	.transform((u) => u.replace(/\/+$/, ""));

/** `{"EU":"https://core-eu.example.com","NA":"https://core-us.example.com"}` */
export const CoreUrls = z.partialRecord(z.enum(CONTINENTS), CoreOrigin);
export type CoreUrls = z.infer<typeof CoreUrls>;

/** The map parsed from the variable's text, or the problems that make it unusable (paths, never values). */
export function parseCoreUrls(raw: string): { ok: true; urls: CoreUrls } | { ok: false; problems: string[] } {
	let json: unknown;
	try {
		json = JSON.parse(raw);
	} catch {
		return { ok: false, problems: ["is not JSON"] };
	}
	const parsed = CoreUrls.safeParse(json);
	if (parsed.success) return { ok: true, urls: parsed.data };
	return {
		ok: false,
		problems: parsed.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message)),
	};
}

// Parsed once per isolate for each value the variable has had (a deploy changes it).
let memo: { raw: string; urls: CoreUrls } | undefined;

function coreUrls(raw: string): CoreUrls {
	if (memo?.raw === raw) return memo.urls;
	const parsed = parseCoreUrls(raw);
	// A bad map must not take the shop down: every request goes to CORE_URL, and the log says why.
	if (!parsed.ok)
		console.error(`CORE_URLS is invalid, so every request goes to CORE_URL: ${parsed.problems.join("; ")}`);
	memo = { raw, urls: parsed.ok ? parsed.urls : {} };
	return memo.urls;
}

/** The core this request should reach. */
export function coreUrlFor(env: Pick<Env, "CORE_URL" | "CORE_URLS">, request: Request): string {
	const raw = env.CORE_URLS?.trim();
	if (!raw) return env.CORE_URL;
	const continent = (request.cf as IncomingRequestCfProperties | undefined)?.continent;
	return (continent && coreUrls(raw)[continent]) || env.CORE_URL;
}

/** `env` with CORE_URL set to this request's regional core (the same object when nothing changes). */
export function withRegionalCore(env: Env, request: Request): Env {
	const url = coreUrlFor(env, request);
	return url === env.CORE_URL ? env : { ...env, CORE_URL: url };
}

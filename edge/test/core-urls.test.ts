import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../src/index";
import { coreUrlFor, parseCoreUrls } from "../src/lib/core-url";
import { ORIGIN } from "./helpers";

// Per-region cores: CORE_URLS sends each continent's requests to its own core, CORE_URL takes
// the rest. Through the Worker's own fetch handler, with the real test core as one region and a
// port nothing listens on as the other: a request reaches the core its continent names.

/** A core that is not there: connecting fails at once. */
const NOWHERE = "http://127.0.0.1:9";

/** A request as Cloudflare hands it to the Worker, from the given continent (null: no cf at all). */
function request(path: string, continent: ContinentCode | null, init: RequestInit = {}): IncomingRequest {
	return new Request(`${ORIGIN}${path}`, {
		...init,
		...(continent ? { cf: { continent } as RequestInitCfProperties } : {}),
	}) as IncomingRequest;
}
type IncomingRequest = Request<unknown, IncomingRequestCfProperties>;

async function through(req: IncomingRequest, bindings: Partial<Env>): Promise<Response> {
	const ctx = createExecutionContext();
	const res = await worker.fetch(req, { ...env, ...bindings } as Env, ctx);
	await waitOnExecutionContext(ctx);
	return res;
}

/** A webhook the edge forwards to its core byte for byte: the core's 400 (unsigned), or the edge's 503. */
const webhook = (continent: ContinentCode | null) =>
	request("/webhooks/carrier", continent, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: "{}",
	});
/** An image nobody has: the core's 404 (through the core client), or the edge's 503. */
const image = (continent: ContinentCode | null) =>
	request(`/img/${crypto.randomUUID().replaceAll("-", "").repeat(2)}.png`, continent);

describe("CORE_URLS: a core per continent", () => {
	it("sends a request to the core of its continent, and the rest to CORE_URL", async () => {
		const bindings = { CORE_URL: NOWHERE, CORE_URLS: JSON.stringify({ EU: `${env.CORE_URL}/`, NA: NOWHERE }) };
		// Europe's core is the live one: the core answers (unsigned webhook → its 400; unknown image → 404).
		expect((await through(webhook("EU"), bindings)).status).toBe(400);
		expect((await through(image("EU"), bindings)).status).toBe(404);
		// North America's and everyone else's (no entry, or no cf at all) are not there.
		for (const continent of ["NA", "AS", null] as const) {
			expect((await through(webhook(continent), bindings)).status).toBe(503);
			expect((await through(image(continent), bindings)).status).toBe(503);
		}
		// The other way round: CORE_URL live, Europe's mapped core gone.
		const flipped = { CORE_URL: env.CORE_URL, CORE_URLS: JSON.stringify({ EU: NOWHERE }) };
		expect((await through(webhook("EU"), flipped)).status).toBe(503);
		expect((await through(webhook("OC"), flipped)).status).toBe(400);
	});

	it("an invalid map is logged (never its values) and every request goes to CORE_URL", async () => {
		const errors = vi.spyOn(console, "error").mockImplementation(() => {});
		try {
			const bindings = {
				CORE_URL: env.CORE_URL,
				CORE_URLS: JSON.stringify({ EU: NOWHERE, XX: "http://secret.example" }),
			};
			expect((await through(webhook("EU"), bindings)).status).toBe(400);
			const logged = errors.mock.calls.map((c) => String(c[0])).join("\n");
			expect(logged).toContain("CORE_URLS is invalid");
			expect(logged).toContain("XX");
			expect(logged).not.toContain("secret.example");
			expect(logged).not.toContain(NOWHERE);
		} finally {
			errors.mockRestore();
		}
	});

	it("unset or blank: CORE_URL for everyone", () => {
		const req = request("/", "EU");
		expect(coreUrlFor({ CORE_URL: "http://core" }, req)).toBe("http://core");
		expect(coreUrlFor({ CORE_URL: "http://core", CORE_URLS: "  " }, req)).toBe("http://core");
	});
});

describe("parseCoreUrls", () => {
	it("accepts continent codes mapped to http(s) origins, trailing slashes dropped", () => {
		expect(parseCoreUrls('{"EU":"https://core-eu.example.com/","NA":"http://10.0.0.5:4000"}')).toEqual({
			ok: true,
			urls: { EU: "https://core-eu.example.com", NA: "http://10.0.0.5:4000" },
		});
		expect(parseCoreUrls("{}")).toEqual({ ok: true, urls: {} });
	});

	it.each([
		["not JSON", "{EU: https://x}", "is not JSON"],
		["an array", '["https://x"]', "expected record"],
		["an unknown continent", '{"EUROPE":"https://x.example"}', "EUROPE"],
		["a country instead of a continent", '{"DE":"https://x.example"}', "DE"],
		["not a URL", '{"EU":"core-eu"}', "EU: must be an http(s) URL"],
		["another scheme", '{"EU":"ftp://core.example"}', "EU: must be an http(s) URL"],
		["credentials in the URL", '{"EU":"https://user:pw@core.example"}', "EU: must be a plain origin"],
		["a query", '{"AS":"https://core.example/?region=as"}', "AS: must be a plain origin"],
	])("refuses %s", (_, raw, problem) => {
		const parsed = parseCoreUrls(raw);
		expect(parsed.ok).toBe(false);
		expect(parsed.ok ? "" : parsed.problems.join("; ")).toContain(problem);
	});
});

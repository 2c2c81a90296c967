import { Validator } from "@seriousme/openapi-schema-validator";
import OAS31 from "@seriousme/openapi-schema-validator/schemas/v3.1/schema.json";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { bearerFor, signUp } from "./account-support";
import { adminHeaders, edge, ORIGIN } from "./helpers";

// The reference is generated from the route definitions (src/openapi/document.ts). These tests hold
// it to OpenAPI 3.1 and to the Worker: every operation's documented example, sent as its security
// says, must get an answer the document lists, whose body its schema accepts.

/** The validator, fed its OpenAPI 3.1 schema directly: workerd has no file system to read it from. */
class WorkerdValidator extends Validator {
	getAjvValidator(version: string) {
		if (version !== "3.1") throw new Error(`only OpenAPI 3.1 here, not ${version}`);
		const ajv = new Ajv2020({ strict: false, validateFormats: true });
		addFormats(ajv);
		ajv.addFormat("media-range", true);
		return ajv.compile(OAS31);
	}
}

type Param = { name: string; in: string; required?: boolean; example?: unknown; schema?: { example?: unknown } };
type Media = { schema?: unknown; example?: unknown };
type Op = {
	operationId?: string;
	summary?: string;
	parameters?: Param[];
	security?: Record<string, string[]>[];
	requestBody?: { required?: boolean; content: Record<string, Media> };
	responses: Record<string, { content?: Record<string, Media> }>;
};
type Doc = { paths: Record<string, Record<string, Op>>; components: Record<string, unknown> };

const METHODS = new Set(["get", "post", "put", "patch", "delete"]);
const DOC_ID = "https://bazaar.test/openapi.json";
const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

async function documentAndOperations() {
	const doc = (await (await edge("/openapi.json")).json()) as Doc;
	const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
		Object.entries(item)
			.filter(([method]) => METHODS.has(method))
			.map(([method, op]) => ({ path, method, op })),
	);
	return { doc, ops };
}

const exampleOf = (p: Param) => p.example ?? p.schema?.example;

describe("the generated OpenAPI document", () => {
	it("is a valid OpenAPI 3.1 document", async () => {
		const doc = await (await edge("/openapi.json")).json();
		const result = await new WorkerdValidator().validate(doc as Record<string, unknown>);
		expect(result.errors).toBeUndefined();
		expect(result.valid).toBe(true);
	});

	it("gives every operation an id, a summary, a 2xx and an example for its body", async () => {
		const { ops } = await documentAndOperations();
		const ids = new Set<string>();
		for (const { path, method, op } of ops) {
			const what = `${method.toUpperCase()} ${path}`;
			expect(op.operationId, what).toBeTruthy();
			expect(ids.has(op.operationId as string), `${what}: operationId ${op.operationId} twice`).toBe(false);
			ids.add(op.operationId as string);
			expect(op.summary, what).toBeTruthy();
			expect(
				Object.keys(op.responses).some((s) => s.startsWith("2")),
				`${what} has no 2xx`,
			).toBe(true);
			if (op.requestBody) {
				const examples = Object.values(op.requestBody.content).filter((m) => m.example !== undefined);
				expect(examples.length, `${what}: no example for its body`).toBeGreaterThan(0);
			}
		}
		for (const path of [
			"/api/customers",
			"/api/account/addresses/{id}",
			"/webhooks/payment/stripe",
			"/webhooks/carrier",
		])
			expect(
				ops.some((o) => o.path === path),
				path,
			).toBe(true);
	});

	it("replays every documented example against the Worker: a documented status, a body its schema accepts", async () => {
		const { doc, ops } = await documentAndOperations();
		const ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
		addFormats(ajv);
		ajv.addSchema({ ...doc, $id: DOC_ID } as object);

		const shopper = await signUp("Example Replayer");
		const customer = { authorization: `Bearer ${await bearerFor(shopper)}` };
		const admin = { authorization: (await adminHeaders()).authorization as string };

		for (const { path, method, op } of ops) {
			const params = op.parameters ?? [];
			const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
				const p = params.find((q) => q.in === "path" && q.name === name);
				return encodeURIComponent(String((p && exampleOf(p)) ?? "x"));
			});
			const query = new URLSearchParams();
			const headers: Record<string, string> = { origin: ORIGIN };
			for (const p of params) {
				const example = exampleOf(p);
				if (example === undefined || (!p.required && p.in === "query")) continue;
				if (p.in === "query") query.set(p.name, String(example));
				if (p.in === "header") headers[p.name] = String(example);
			}
			// As its security says: a bearer session when it takes one (staff for the admin API).
			const security = op.security ?? [];
			if (security.some((s) => "sessionBearer" in s)) {
				Object.assign(headers, path.startsWith("/api/admin/") ? admin : customer);
				// Signing out ends the session it is sent with: that one gets a session of its own.
				if (method === "delete" && path === "/api/session") {
					headers.authorization = `Bearer ${await bearerFor(shopper)}`;
				}
			}
			const example = op.requestBody?.content["application/json"]?.example;
			const init: RequestInit = { method: method.toUpperCase(), headers };
			if (method !== "get") {
				headers["content-type"] = "application/json";
				if (example !== undefined) init.body = JSON.stringify(example);
				else if (op.requestBody?.required) init.body = "{}";
			}
			const res = await edge(`${url}${query.size ? `?${query}` : ""}`, init);
			const status = String(res.status);
			const what = `${method.toUpperCase()} ${url} → ${status} ${res.status >= 400 ? await res.clone().text() : ""}`;
			expect(Object.keys(op.responses), what).toContain(status);
			const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
			const documented = op.responses[status]?.content?.[type];
			if (documented?.schema !== undefined && res.status !== 204) {
				const validate = ajv.compile({
					$ref: `${DOC_ID}#/${pointer("paths", path, method, "responses", status, "content", type, "schema")}`,
				});
				const body = await res.json();
				expect(
					validate(body),
					`${what}\n${JSON.stringify(validate.errors)}\n${JSON.stringify(body).slice(0, 400)}`,
				).toBe(true);
			} else {
				if (res.status < 300 && res.status !== 204 && op.responses[status]?.content) {
					expect.fail(`${what}: answered ${type}, which the document does not list`);
				}
				await res.body?.cancel();
			}
		}
	});
});

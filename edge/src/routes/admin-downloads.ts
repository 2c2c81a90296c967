import { DownloadFile, MAX_DOWNLOAD_BYTES, UploadFileRequest } from "@bazaar/contracts/delivery";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { sha256Hex } from "../lib/bytes";
import { callCore, callerOf } from "../lib/core-call";
import { apiProblem } from "../lib/problems";
import { requireStaff } from "../middleware/admin-auth";
import { apiWriteGuard } from "../middleware/api-write";
import { bufferBody } from "../middleware/body";
import { adminRouteAtEdge } from "../openapi/admin-routes";
import { apiRouter, body, json, passThrough, problem } from "../openapi/route-kit";
import { loadSession } from "../session/middleware";

// PUT /api/admin/delivery/variants/:variantId/file — staff upload a download variant's file
// (JSON, the bytes base64: the admin API takes JSON only). The type must be on the allow-list and
// the bytes must look like it (magic numbers where the format has them), at most
// MAX_DOWNLOAD_BYTES. A caller the core refuses writes nothing. The bytes go to the PRIVATE
// downloads bucket under files/<variantId>/<sha-256>, then the core records them as the variant's file (it refuses a
// variant that is not a download: 422); an object this upload created is removed again then.

/** Bytes in the JSON around the base64. */
export const MAX_UPLOAD_BODY = Math.ceil(MAX_DOWNLOAD_BYTES / 3) * 4 + 4096;

/**
 * The upload, documented with the admin delivery area (the core's GET of the same path is its
 * definition in packages/contracts/src/admin-routes/delivery.ts). The handler checks the body
 * itself, byte by byte, so the definition documents it and does not validate it again.
 */
const uploadFile = createRoute({
	method: "put",
	path: "/variants/{variantId}/file",
	summary: "Upload a download variant's file",
	description: `Role: admin. The file base64 in JSON (at most ${MAX_DOWNLOAD_BYTES} bytes decoded) with its name and type; the type must be on the allow-list and, for PDF, EPUB, ZIP, PNG and JPEG, match the file's first bytes. The bytes go to the private downloads bucket (content-addressed under the variant); the variant's file is replaced for every link that still works. Shoppers only ever reach it through a paid order's signed link.`,
	request: {
		params: z.object({ variantId: z.string().meta({ description: "Variant id (var_…) of a digital product." }) }),
		// "%PDF-1.4" and a newline.
		body: body(UploadFileRequest, {
			fileName: "Field guide.pdf",
			contentType: "application/pdf",
			dataBase64: "JVBERi0xLjQK",
		}),
	},
	responses: {
		200: json(DownloadFile, "The variant's file as recorded."),
		400: problem("Not JSON, an invalid upload, base64 that is not, or an empty file."),
		404: problem("No such variant."),
		413: problem(`The file is larger than ${MAX_DOWNLOAD_BYTES} bytes.`),
		415: problem("Not JSON, or the bytes are not of the declared type."),
		422: problem("The variant is not a digital product delivered by download."),
	},
});

/** Mounted in api.ts, ahead of the admin proxy (routes/admin.ts), with the proxy's own checks. */
export const adminDownloads = passThrough(
	apiRouter(),
	{
		...adminRouteAtEdge("delivery", uploadFile),
		// Credentials first, as on every admin path; then the size limit before anything parses.
		middleware: [loadSession, requireStaff, apiWriteGuard, bufferBody(MAX_UPLOAD_BODY)],
	},
	uploadDownloadFile,
);

const MAGIC: Partial<Record<UploadFileRequest["contentType"], number[]>> = {
	"application/pdf": [0x25, 0x50, 0x44, 0x46],
	"application/epub+zip": [0x50, 0x4b, 0x03, 0x04],
	"application/zip": [0x50, 0x4b, 0x03, 0x04],
	"image/png": [0x89, 0x50, 0x4e, 0x47],
	"image/jpeg": [0xff, 0xd8, 0xff],
};

export async function uploadDownloadFile(c: Context<AppEnv>): Promise<Response> {
	const variantId = c.req.param("variantId") ?? "";
	if (!/^var_[0-9A-Z]{1,36}$/.test(variantId)) return apiProblem(404, "There is no such variant.");
	let raw: unknown;
	try {
		raw = JSON.parse(new TextDecoder().decode(c.get("body")));
	} catch {
		return apiProblem(400, "The body is not valid JSON.");
	}
	const parsed = UploadFileRequest.safeParse(raw);
	if (!parsed.success) {
		return apiProblem(400, "The upload is not valid.", {
			errors: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
		});
	}
	const { fileName, contentType, dataBase64 } = parsed.data;
	let bytes: Uint8Array;
	try {
		bytes = Uint8Array.from(atob(dataBase64), (ch) => ch.charCodeAt(0));
	} catch {
		return apiProblem(400, "dataBase64 is not valid base64.", { errors: [{ path: "dataBase64", message: "base64" }] });
	}
	if (bytes.byteLength === 0) return apiProblem(400, "The file is empty.");
	if (bytes.byteLength > MAX_DOWNLOAD_BYTES) return apiProblem(413, `Files are at most ${MAX_DOWNLOAD_BYTES} bytes.`);
	const magic = MAGIC[contentType];
	if (magic && !magic.every((b, i) => bytes[i] === b)) {
		return apiProblem(415, `The bytes are not a ${contentType} file.`, {
			errors: [{ path: "contentType", message: "does not match the file's contents" }],
		});
	}
	// Whether this caller may upload is the core's rule; asking it first means a refused caller
	// writes nothing to the bucket (the file read is the cheapest call behind the same rule).
	const allowed = await callCore(c.env, DownloadFile, "GET", `/delivery/admin/variants/${variantId}/file`, callerOf(c));
	if (!allowed.ok && (allowed.status === 401 || allowed.status === 403)) {
		return apiProblem(allowed.status, allowed.problem.detail);
	}
	const sha256 = await sha256Hex(bytes);
	const objectKey = `files/${variantId}/${sha256}`;
	const existed = (await c.env.DOWNLOADS.head(objectKey)) !== null;
	await c.env.DOWNLOADS.put(objectKey, bytes, { httpMetadata: { contentType }, sha256 });
	const recorded = await callCore(
		c.env,
		DownloadFile,
		"PUT",
		`/delivery/admin/variants/${variantId}/file`,
		callerOf(c),
		{ body: { objectKey, fileName, contentType, bytes: bytes.byteLength, sha256 } },
	);
	if (!recorded.ok) {
		if (!existed) await c.env.DOWNLOADS.delete(objectKey);
		return apiProblem(recorded.status, recorded.problem.detail, { errors: recorded.problem.errors });
	}
	return new Response(JSON.stringify(recorded.value), {
		headers: { "content-type": "application/json", "cache-control": "no-store" },
	});
}

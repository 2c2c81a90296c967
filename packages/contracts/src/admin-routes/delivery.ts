import { createRoute } from "@hono/zod-openapi";
import { DownloadFile, KeyPool, KeysUploaded, RegisterFileRequest, UploadKeysRequest } from "../delivery";
import { answer, body, idParams, problem } from "./kit";

// The delivery area (core /delivery/admin/*, edge /api/admin/delivery/*): a download variant's
// file and a licence-key variant's pool (core/src/workflows/digital-delivery.ts). The file itself
// is uploaded to the edge, which stores the bytes in its private bucket and then records them here
// (`recordDownloadFile`); that upload is the edge's own route (edge/src/routes/admin-downloads.ts).

const ADMIN = "Role: admin.";
const variant = idParams("variantId");
const noSuchVariant = problem("No such variant.");

/**
 * What the edge's upload records once the bytes are in the bucket: not in the admin API's
 * reference (`hide`), where the upload that calls it answers this method and path.
 */
export const recordDownloadFile = createRoute({
	method: "put",
	path: "/variants/{variantId}/file",
	hide: true,
	summary: "Record a download variant's stored file",
	description: `${ADMIN} The bytes are already in the downloads bucket under \`objectKey\`; the variant's file is replaced.`,
	request: {
		params: variant,
		body: body(RegisterFileRequest, {
			objectKey: `files/var_01J00000000000000000000000/${"0".repeat(64)}`,
			fileName: "Field guide.pdf",
			contentType: "application/pdf",
			bytes: 1024,
			sha256: "0".repeat(64),
		}),
	},
	responses: {
		200: answer(DownloadFile, "The variant's file as recorded."),
		400: problem("The body is not valid."),
		404: noSuchVariant,
		422: problem("The variant is not a digital product delivered by download."),
	},
});

export const getDownloadFile = createRoute({
	method: "get",
	path: "/variants/{variantId}/file",
	summary: "A download variant's file",
	description: ADMIN,
	request: { params: variant },
	responses: {
		200: answer(DownloadFile, "Name, type, size, checksum, who uploaded it and when."),
		404: problem("No such variant, or no file uploaded for it yet."),
	},
});

export const uploadLicenceKeys = createRoute({
	method: "post",
	path: "/variants/{variantId}/keys",
	summary: "Upload licence keys",
	description: `${ADMIN} Up to 10,000 keys per request (printable, no spaces, 4–200 characters). A key the pool already has is counted once; each key new to the pool is received as one unit of the variant's stock (its SKU is tracked), so checkout refuses more units than there are keys. A paid unit takes exactly one key.`,
	request: { params: variant, body: body(UploadKeysRequest, { keys: ["AAAA-BBBB-CCCC-0001", "AAAA-BBBB-CCCC-0002"] }) },
	responses: {
		201: answer(KeysUploaded, "How many keys were new (`added`) or already there (`duplicates`), and the pool after."),
		400: problem("No keys, more than 10,000, or a key that is too short, too long or not printable."),
		404: noSuchVariant,
		409: problem("The SKU's stock already moved under another policy (it cannot become tracked)."),
		422: problem("The variant is not a digital product delivered by licence key."),
	},
});

export const getKeyPool = createRoute({
	method: "get",
	path: "/variants/{variantId}/keys",
	summary: "A licence-key pool",
	description: ADMIN,
	request: { params: variant },
	responses: { 200: answer(KeyPool, "Keys available, issued and revoked (an unknown variant has an empty pool).") },
});

export const DELIVERY_ADMIN_ROUTES = [recordDownloadFile, getDownloadFile, uploadLicenceKeys, getKeyPool];

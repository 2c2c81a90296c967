import { MAX_DOWNLOAD_BYTES } from "@bazaar/contracts/delivery";
import { bodyOf, type Json, pathParam, problem } from "./parts";
import { readsTakeNoBody, staffOp } from "./staff";

// The admin API's delivery area (digital goods): a download variant's file (stored by the edge in
// its private R2 bucket, edge/src/routes/admin-downloads.ts) and a licence-key variant's pool
// (core /delivery/admin/*, core/src/workflows/digital-delivery.ts).

const delivery = staffOp("delivery");
const variant = pathParam("variantId", "Variant id (var_…) of a digital product.");

export function adminDeliveryPaths(): Record<string, Json> {
	return readsTakeNoBody({
		"/api/admin/delivery/variants/{variantId}/file": {
			put: delivery(
				"Upload a download variant's file",
				{
					description: `Role: admin. The file base64 in JSON (at most ${MAX_DOWNLOAD_BYTES} bytes decoded) with its name and type; the type must be on the allow-list and, for PDF, EPUB, ZIP, PNG and JPEG, match the file's first bytes. The bytes go to the private downloads bucket (content-addressed under the variant); the variant's file is replaced for every link that still works. Shoppers only ever reach it through a paid order's signed link.`,
					parameters: [variant],
					requestBody: bodyOf("UploadFileRequest"),
				},
				["200", "DownloadFile", "The variant's file as recorded."],
				{
					"413": problem(`The file is larger than ${MAX_DOWNLOAD_BYTES} bytes.`),
					"415": problem("Not JSON, or the bytes are not of the declared type."),
					"422": problem("The variant is not a digital product delivered by download."),
				},
			),
			get: delivery("A download variant's file", { parameters: [variant] }, [
				"200",
				"DownloadFile",
				"Name, type, size, checksum, who uploaded it and when.",
			]),
		},
		"/api/admin/delivery/variants/{variantId}/keys": {
			post: delivery(
				"Upload licence keys",
				{
					description:
						"Role: admin. Up to 10,000 keys per request (printable, no spaces, 4–200 characters). A key the pool already has is counted once; each key new to the pool is received as one unit of the variant's stock (its SKU is tracked), so checkout refuses more units than there are keys. A paid unit takes exactly one key.",
					parameters: [variant],
					requestBody: bodyOf("UploadKeysRequest"),
				},
				[
					"201",
					"KeysUploaded",
					"How many keys were new (`added`) or already there (`duplicates`), and the pool after.",
				],
				{
					"409": problem("The SKU's stock already moved under another policy (it cannot become tracked)."),
					"422": problem("The variant is not a digital product delivered by licence key."),
				},
			),
			get: delivery(
				"A licence-key pool",
				{ parameters: [variant] },
				["200", "KeyPool", "Keys available, issued and revoked (an unknown variant has an empty pool)."],
				{ "404": null },
			),
		},
	});
}

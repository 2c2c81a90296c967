import { z } from "zod";

// Digital delivery (core/src/delivery): the files staff upload for `delivery: "download"`
// variants, the licence-key pools of `delivery: "license_key"` variants, and what a paid order's
// shopper receives — signed, expiring download links with a download limit, and keys.

export const DigitalDelivery = z.enum(["download", "license_key"]);
export type DigitalDelivery = z.infer<typeof DigitalDelivery>;

/** What a download file may be: documents, e-books, audio, archives. No HTML, no scripts. */
export const DOWNLOAD_TYPES = [
	"application/pdf",
	"application/epub+zip",
	"application/zip",
	"audio/mpeg",
	"audio/mp4",
	"video/mp4",
	"image/png",
	"image/jpeg",
	"text/plain",
] as const;
export const DownloadType = z.enum(DOWNLOAD_TYPES);
/**
 * The largest file staff may upload. It travels base64 in one JSON body (the admin API takes JSON
 * only: that is its CSRF defence), so the edge holds it in memory once: well inside a Worker's.
 */
export const MAX_DOWNLOAD_BYTES = 25 * 1024 * 1024;

const FileName = z
	.string()
	.trim()
	.min(1)
	.max(120)
	.regex(/^[A-Za-z0-9][A-Za-z0-9 ._()-]*$/, "letters, digits, spaces and . _ ( ) - only");

/** What staff send to PUT /api/admin/delivery/variants/:variantId/file (the edge stores the bytes). */
export const UploadFileRequest = z.strictObject({
	fileName: FileName,
	contentType: DownloadType,
	/** The file, base64 (standard alphabet, padded). */
	dataBase64: z
		.string()
		.min(4)
		.max(Math.ceil(MAX_DOWNLOAD_BYTES / 3) * 4)
		.regex(/^[A-Za-z0-9+/]*={0,2}$/, "base64"),
});
export type UploadFileRequest = z.infer<typeof UploadFileRequest>;

/** The edge stored the bytes in its private downloads bucket; the core records what they are. */
export const RegisterFileRequest = z.strictObject({
	objectKey: z.string().regex(/^files\/var_[0-9A-Z]+\/[0-9a-f]{64}$/, "files/<variantId>/<sha-256 hex>"),
	fileName: FileName,
	contentType: DownloadType,
	bytes: z.number().int().positive().max(MAX_DOWNLOAD_BYTES),
	sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type RegisterFileRequest = z.infer<typeof RegisterFileRequest>;
export { FileName as DownloadFileName };

export const DownloadFile = RegisterFileRequest.extend({
	variantId: z.string(),
	uploadedAt: z.string(),
	uploadedBy: z.string(),
});
export type DownloadFile = z.infer<typeof DownloadFile>;

/** Keys as staff paste them: printable, no whitespace inside, each at most 200 characters. */
export const LicenseKeyValue = z
	.string()
	.trim()
	.min(4)
	.max(200)
	.regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces");
export const UploadKeysRequest = z.strictObject({ keys: z.array(LicenseKeyValue).min(1).max(10_000) });
export type UploadKeysRequest = z.infer<typeof UploadKeysRequest>;

export const KeyPool = z.object({
	variantId: z.string(),
	available: z.number().int(),
	issued: z.number().int(),
	revoked: z.number().int(),
});
export type KeyPool = z.infer<typeof KeyPool>;
/** After an upload: keys new to the pool (they became stock), and those it already had. */
export const KeysUploaded = KeyPool.extend({ added: z.number().int(), duplicates: z.number().int() });
export type KeysUploaded = z.infer<typeof KeysUploaded>;

export const DownloadLink = z.object({
	id: z.string(),
	variantId: z.string(),
	title: z.string(),
	fileName: z.string(),
	bytes: z.number().int(),
	/** The path on the storefront: /downloads/<token>. */
	url: z.string(),
	expiresAt: z.string(),
	maxDownloads: z.number().int(),
	downloads: z.number().int(),
	status: z.enum(["active", "expired", "used_up", "revoked"]),
});
export type DownloadLink = z.infer<typeof DownloadLink>;

export const IssuedKey = z.object({
	variantId: z.string(),
	title: z.string(),
	key: z.string(),
	status: z.enum(["issued", "revoked"]),
});
export type IssuedKey = z.infer<typeof IssuedKey>;

export const OrderDelivery = z.object({
	orderId: z.string(),
	downloads: z.array(DownloadLink),
	keys: z.array(IssuedKey),
});
export type OrderDelivery = z.infer<typeof OrderDelivery>;

/** The edge asks the core to count one download of a link (POST /delivery/downloads/redeem). */
export const RedeemRequest = z.strictObject({ token: z.string().min(1).max(300) });
export const Redeemed = z.object({
	objectKey: z.string(),
	fileName: z.string(),
	contentType: z.string(),
	bytes: z.number().int(),
	downloadsLeft: z.number().int(),
});
export type Redeemed = z.infer<typeof Redeemed>;

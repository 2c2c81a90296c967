import { type DownloadFile, RegisterFileRequest } from "@bazaar/contracts/delivery";
import { sql } from "drizzle-orm";
import { NotFoundError } from "../lib/errors";
import { type DeliveryContext, deliveryWrite, iso } from "./context";

// The file of a download variant. The edge has already stored the bytes in its private bucket
// (content-addressed under the variant); this records which object is the variant's file now.
// A new upload replaces the old one: a link names its variant, not the object, so a corrected
// file reaches every buyer whose link still works.

const COLUMNS = sql`variant_id AS variantId, object_key AS objectKey, file_name AS fileName,
	content_type AS contentType, bytes, sha256, uploaded_at AS uploadedAt, uploaded_by AS uploadedBy`;

export async function registerFile(
	ctx: DeliveryContext,
	variantId: string,
	input: unknown,
	actor: string,
): Promise<DownloadFile> {
	const f = RegisterFileRequest.parse(input);
	const at = iso(ctx.now());
	const [row] = await deliveryWrite(ctx, (tx) =>
		tx.all<DownloadFile>(sql`INSERT INTO delivery_files (variant_id, object_key, file_name, content_type, bytes,
				sha256, uploaded_at, uploaded_by)
			VALUES (${variantId}, ${f.objectKey}, ${f.fileName}, ${f.contentType}, ${f.bytes}, ${f.sha256}, ${at}, ${actor})
			ON CONFLICT (variant_id) DO UPDATE SET object_key = excluded.object_key, file_name = excluded.file_name,
				content_type = excluded.content_type, bytes = excluded.bytes, sha256 = excluded.sha256,
				uploaded_at = excluded.uploaded_at, uploaded_by = excluded.uploaded_by
			RETURNING ${COLUMNS}`),
	);
	if (!row) throw new Error(`file of ${variantId} not recorded`);
	return row;
}

export async function getFile(ctx: DeliveryContext, variantId: string): Promise<DownloadFile> {
	const [row] = await ctx.database.db.all<DownloadFile>(
		sql`SELECT ${COLUMNS} FROM delivery_files WHERE variant_id = ${variantId}`,
	);
	if (!row) throw new NotFoundError(`The download file of ${variantId.slice(0, 64)}`);
	return row;
}

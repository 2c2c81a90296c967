import { type Redeemed, RedeemRequest } from "@bazaar/contracts/delivery";
import { sql } from "drizzle-orm";
import { NotFoundError, ServiceError } from "../lib/errors";
import { type DeliveryContext, deliveryWrite, iso } from "./context";
import { verifyLinkToken } from "./link-token";

// One download through a link (the edge asks before it streams the file from its bucket). The
// count goes up by one UPDATE that also checks the link is not revoked, not expired and not used
// up, so parallel requests on a link's last download get it once: the rest are refused.

export class LinkGoneError extends ServiceError {
	constructor(why: string) {
		super(410, `This download link ${why}.`);
	}
}

const UNKNOWN = "A download link";

export async function redeemDownload(ctx: DeliveryContext, input: unknown): Promise<Redeemed> {
	const { token } = RedeemRequest.parse(input);
	const genuine = verifyLinkToken(ctx.linkSecret, token);
	if (!genuine) throw new NotFoundError(UNKNOWN);
	const now = ctx.now();
	if (genuine.expiresAtMs <= now) throw new LinkGoneError("has expired");
	const at = iso(now);
	return deliveryWrite(ctx, async (tx) => {
		const [counted] = await tx.all<{ variantId: string; downloadsLeft: number }>(sql`UPDATE download_links
			SET downloads = downloads + 1
			WHERE id = ${genuine.linkId} AND revoked_at IS NULL AND expires_at > ${at} AND downloads < max_downloads
			RETURNING variant_id AS variantId, max_downloads - downloads AS downloadsLeft`);
		if (counted) {
			const [file] = await tx.all<Omit<Redeemed, "downloadsLeft">>(sql`SELECT object_key AS objectKey,
					file_name AS fileName, content_type AS contentType, bytes
				FROM delivery_files WHERE variant_id = ${counted.variantId}`);
			if (!file) throw new Error(`link ${genuine.linkId} names a variant without a file`);
			return { ...file, downloadsLeft: counted.downloadsLeft };
		}
		const [link] = await tx.all<{ revokedAt: string | null; expiresAt: string }>(
			sql`SELECT revoked_at AS revokedAt, expires_at AS expiresAt FROM download_links WHERE id = ${genuine.linkId}`,
		);
		if (!link) throw new NotFoundError(UNKNOWN);
		if (link.revokedAt !== null) throw new LinkGoneError("was revoked (the order was refunded)");
		if (link.expiresAt <= at) throw new LinkGoneError("has expired");
		throw new LinkGoneError("has been used as many times as it allows");
	});
}

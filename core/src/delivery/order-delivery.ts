import type { DownloadLink, IssuedKey, OrderDelivery } from "@bazaar/contracts/delivery";
import { sql } from "drizzle-orm";
import type { DeliveryContext } from "./context";
import { signLinkToken } from "./link-token";

// What an order's shopper has received: its links (each with a freshly computed token: the
// token is never stored) and its keys. Two statements whatever the number of lines. With a
// customer id, another customer's order reads as having received nothing.

interface LinkRow {
	id: string;
	variantId: string;
	title: string;
	fileName: string | null;
	bytes: number | null;
	expiresAt: string;
	maxDownloads: number;
	downloads: number;
	revokedAt: string | null;
}

export async function orderDelivery(
	ctx: DeliveryContext,
	orderId: string,
	customerId?: string,
): Promise<OrderDelivery> {
	const db = ctx.database.db;
	const owner = customerId === undefined ? sql`1` : sql`customer_id = ${customerId}`;
	const [links, keys] = await Promise.all([
		db.all<LinkRow>(sql`SELECT l.id, l.variant_id AS variantId, l.title, f.file_name AS fileName, f.bytes,
				l.expires_at AS expiresAt, l.max_downloads AS maxDownloads, l.downloads, l.revoked_at AS revokedAt
			FROM download_links l LEFT JOIN delivery_files f ON f.variant_id = l.variant_id
			WHERE l.order_id = ${orderId} AND ${owner} ORDER BY l.id`),
		db.all<IssuedKey>(sql`SELECT variant_id AS variantId, title, key, status FROM license_keys
			WHERE order_id = ${orderId} AND ${owner} ORDER BY variant_id, id`),
	]);
	const now = ctx.now();
	const downloads = links.map(
		(l): DownloadLink => ({
			id: l.id,
			variantId: l.variantId,
			title: l.title,
			fileName: l.fileName ?? "",
			bytes: l.bytes ?? 0,
			url: `/downloads/${signLinkToken(ctx.linkSecret, l.id, Date.parse(l.expiresAt))}`,
			expiresAt: l.expiresAt,
			maxDownloads: l.maxDownloads,
			downloads: l.downloads,
			status: linkStatus(l, now),
		}),
	);
	return { orderId, downloads, keys };
}

function linkStatus(l: LinkRow, now: number): DownloadLink["status"] {
	if (l.revokedAt !== null) return "revoked";
	if (Date.parse(l.expiresAt) <= now) return "expired";
	return l.downloads >= l.maxDownloads ? "used_up" : "active";
}

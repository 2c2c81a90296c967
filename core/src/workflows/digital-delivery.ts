import { createHash } from "node:crypto";
import { OrderEventData } from "@bazaar/contracts/order";
import { DEFAULT_CURRENCY } from "@bazaar/money";
import { Hono } from "hono";
import { z } from "zod";
import { type Bus, RetryLater, type SubscribeOptions } from "../bus";
import type { Catalog } from "../catalog/context";
import type { DigitalLine } from "../delivery/deliver-order";
import type { DeliveryModule } from "../delivery/module";
import { escapeHtml } from "../identity/mail-html";
import type { IdentityModule } from "../identity/module";
import type { Inventory } from "../inventory/module";
import { NotFoundError, ServiceError } from "../lib/errors";
import { type AppEnv, jsonResponse, readJson, requireRole } from "../lib/http";
import type { OrderModule } from "../order/module";
import { catalogPort } from "./cart-ports";

// Digital goods across modules (the delivery module holds files, key pools and links; it knows
// variants and orders by id only):
//
// - staff register a download variant's file (the edge stored the bytes in its private bucket)
//   and upload a licence-key variant's keys; the keys new to the pool are received as inventory
//   stock, so checkout's reservation refuses what the pool cannot cover, like any out-of-stock
//   (keys first, stock second: a failure between the two leaves fewer units on sale than keys,
//   never more);
// - order.paid → its digital lines get their links and keys (idempotent), then one mail with
//   them; a line that cannot be served yet (no file, a pool short after a manual stock change)
//   waits (RetryLater) and the order is not marked delivered meanwhile (the fulfillment consumer
//   asks the same verb before it creates a digital-only order's delivered shipment);
// - order.refunded / order.cancelled → its links stop working and its keys are revoked.

export const DIGITAL_GROUPS = { deliver: "digital-delivery", revoke: "digital-revoke" } as const;

/** Orders whose digital lines are owed to the shopper. */
const OWED = new Set(["paid", "fulfilled", "delivered", "partially_refunded"]);

export interface DigitalDeps {
	delivery: DeliveryModule;
	catalog: Catalog;
	inventory: Pick<Inventory, "getStock" | "defineSku" | "receiveStock">;
	orders: Pick<OrderModule, "getOrder">;
	identity: Pick<IdentityModule, "queueMail">;
	/** Where mailed links point. */
	storefrontUrl: string;
}

export interface DigitalWorkflow {
	registerFile(variantId: string, body: unknown, actor: string): ReturnType<DeliveryModule["registerFile"]>;
	uploadKeys(variantId: string, body: unknown, actor: string): ReturnType<DeliveryModule["addKeys"]>;
	/** Issues what a paid order's digital lines are owed; `complete` false: some line must wait. */
	deliverPaid(orderId: string): Promise<{ complete: boolean; waiting: string[]; lines: DigitalLine[] }>;
	/** The signed-in customer's order: its links and keys (404 for anyone else's). */
	orderDelivery(orderId: string, customerId: string): ReturnType<DeliveryModule["orderDelivery"]>;
}

export function createDigital(deps: DigitalDeps): DigitalWorkflow {
	const variants = catalogPort(deps.catalog, { thumbnails: false });

	async function digitalVariant(variantId: string, delivery: "download" | "license_key") {
		const v = (await variants.variants([variantId], DEFAULT_CURRENCY)).get(variantId);
		if (!v) throw new NotFoundError(`Variant ${variantId.slice(0, 64)}`);
		if (v.delivery !== delivery) {
			throw new ServiceError(422, `Variant ${variantId} is not a digital product delivered by ${delivery}.`, [
				{ path: "variantId", message: `a variant of a digital product with delivery "${delivery}"` },
			]);
		}
		return v;
	}

	return {
		async registerFile(variantId, body, actor) {
			await digitalVariant(variantId, "download");
			return deps.delivery.registerFile(variantId, body, actor);
		},
		async uploadKeys(variantId, body, actor) {
			const v = await digitalVariant(variantId, "license_key");
			const uploaded = await deps.delivery.addKeys(variantId, body);
			if (uploaded.added > 0) {
				// A pool is counted stock: a SKU seeded or defined otherwise becomes tracked first
				// (the inventory refuses that once units moved under another policy: 409, said).
				const stock = await deps.inventory.getStock(v.sku).catch((err) => {
					if (err instanceof NotFoundError) return null;
					throw err;
				});
				if (stock?.policy !== "tracked") await deps.inventory.defineSku(v.sku, { policy: "tracked" });
				await deps.inventory.receiveStock(
					v.sku,
					{ quantity: uploaded.added, reason: `${uploaded.added} licence keys uploaded` },
					actor,
				);
			}
			return uploaded;
		},
		async deliverPaid(orderId) {
			const order = await deps.orders.getOrder(orderId);
			if (!OWED.has(order.status)) return { complete: true, waiting: [], lines: [] };
			const known = await variants.variants(
				order.lines.map((l) => l.variantId),
				order.currency,
			);
			const lines: DigitalLine[] = [];
			for (const l of order.lines) {
				const delivery = known.get(l.variantId)?.delivery;
				if (delivery) lines.push({ variantId: l.variantId, title: l.title, quantity: l.quantity, delivery });
			}
			if (lines.length === 0) return { complete: true, waiting: [], lines };
			const done = await deps.delivery.deliverOrder({ orderId, customerId: order.customerId, lines });
			return { complete: done.complete, waiting: done.waiting.map((w) => `${w.variantId}: ${w.why}`), lines };
		},
		async orderDelivery(orderId, customerId) {
			// The order module's rule decides who may read the order (404 for anyone else).
			await deps.orders.getOrder(orderId, customerId);
			return deps.delivery.orderDelivery(orderId, customerId);
		},
	};
}

/** order.paid → links and keys, then their mail; order.refunded / order.cancelled → revoked. */
export function subscribeDigitalDelivery(
	bus: Bus,
	digital: DigitalWorkflow,
	deps: Pick<DigitalDeps, "delivery" | "orders" | "identity" | "storefrontUrl">,
	tuning: SubscribeOptions = {},
): void {
	bus.subscribe(
		DIGITAL_GROUPS.deliver,
		["order.paid"],
		async (event) => {
			const { orderId } = OrderEventData.parse(event.data);
			const done = await digital.deliverPaid(orderId);
			if (!done.complete) throw new RetryLater(`order ${orderId} waits for ${done.waiting.join("; ")}`);
			if (done.lines.length === 0) return;
			const order = await deps.orders.getOrder(orderId);
			const got = await deps.delivery.orderDelivery(orderId);
			await deps.identity.queueMail({
				id: digitalMailId(orderId),
				to: order.email,
				...digitalMail(order.id, got, deps.storefrontUrl),
			});
		},
		tuning,
	);
	bus.subscribe(
		DIGITAL_GROUPS.revoke,
		["order.refunded", "order.cancelled"],
		async (event) => {
			const { orderId } = OrderEventData.parse(event.data);
			await deps.delivery.revokeOrder(orderId);
		},
		tuning,
	);
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * The mail's id, the same on every redelivery (so it is queued once): `mail_` + a ULID with the
 * order's time and 16 characters of a hash of the order id, apart from the order confirmation's.
 */
export function digitalMailId(orderId: string): string {
	const ulid = orderId.slice(orderId.indexOf("_") + 1);
	const hash = createHash("sha256").update(`digital delivery mail:${orderId}`).digest();
	let rest = "";
	for (let i = 0; i < 16; i++) rest += CROCKFORD[(hash[i] as number) % 32];
	return `mail_${ulid.slice(0, 10)}${rest}`;
}

function digitalMail(
	orderId: string,
	got: Awaited<ReturnType<DeliveryModule["orderDelivery"]>>,
	storefrontUrl: string,
): { subject: string; text: string; html: string } {
	const abs = (path: string) => new URL(path, storefrontUrl).toString();
	const orderUrl = abs(`/account/orders/${orderId}`);
	const text = [
		`Thank you for your order ${orderId}. Here is what you bought:`,
		"",
		...got.downloads.map(
			(d) => `${d.title} (${d.fileName}): ${abs(d.url)}\n  works until ${d.expiresAt}, ${d.maxDownloads} downloads`,
		),
		...got.keys.map((k) => `${k.title} licence key: ${k.key}`),
		"",
		`Your order: ${orderUrl}`,
	].join("\n");
	const html = [
		`<p>Thank you for your order ${escapeHtml(orderId)}. Here is what you bought:</p>`,
		"<ul>",
		...got.downloads.map(
			(d) =>
				`<li><a href="${escapeHtml(abs(d.url))}">Download ${escapeHtml(d.title)}</a> (${escapeHtml(d.fileName)}; works until ${escapeHtml(d.expiresAt)}, ${d.maxDownloads} downloads)</li>`,
		),
		...got.keys.map((k) => `<li>${escapeHtml(k.title)} licence key: <code>${escapeHtml(k.key)}</code></li>`),
		"</ul>",
		`<p><a href="${escapeHtml(orderUrl)}">Your order</a></p>`,
	].join("\n");
	return { subject: `Your downloads and licence keys (order ${orderId})`, text, html };
}

/**
 * /delivery (signed by the edge): admins register files and upload keys; a shopper reads their
 * order's links and keys; the edge redeems a link before it streams the file.
 */
export function deliveryRoutes(digital: DigitalWorkflow, delivery: DeliveryModule): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	const admin = new Hono<AppEnv>();
	admin.use("*", requireRole("admin"));
	const actor = (c: { get(k: "caller"): { user: string } }) => c.get("caller").user || "admin";
	admin.put("/variants/:variantId/file", async (c) =>
		jsonResponse(await digital.registerFile(c.req.param("variantId"), readJson(c, z.unknown()), actor(c))),
	);
	admin.get("/variants/:variantId/file", async (c) => jsonResponse(await delivery.getFile(c.req.param("variantId"))));
	admin.post("/variants/:variantId/keys", async (c) =>
		jsonResponse(await digital.uploadKeys(c.req.param("variantId"), readJson(c, z.unknown()), actor(c)), 201),
	);
	admin.get("/variants/:variantId/keys", async (c) => jsonResponse(await delivery.keyPool(c.req.param("variantId"))));
	app.route("/admin", admin);

	app.get("/orders/:orderId", async (c) => {
		const user = c.get("caller").user;
		if (!user) throw new ServiceError(401, "This needs a signed-in user.");
		return jsonResponse(await digital.orderDelivery(c.req.param("orderId"), user));
	});
	// Anyone holding a link may download: the edge calls this unsigned-as-a-user (its own signature).
	app.post("/downloads/redeem", async (c) => jsonResponse(await delivery.redeem(readJson(c, z.unknown()))));
	return app;
}

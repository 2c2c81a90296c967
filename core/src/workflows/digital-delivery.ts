import { deliveryAdmin } from "@bazaar/contracts/admin-routes";
import { OrderEventData } from "@bazaar/contracts/order";
import { DEFAULT_CURRENCY } from "@bazaar/money";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { z } from "zod";
import { type Bus, RetryLater, type SubscribeOptions } from "../bus";
import type { Catalog } from "../catalog/context";
import type { DigitalLine } from "../delivery/deliver-order";
import type { DeliveryModule } from "../delivery/module";
import { escapeHtml } from "../identity/mail-html";
import type { Inventory } from "../inventory/module";
import { adminRouter } from "../lib/admin-router";
import { NotFoundError, ServiceError } from "../lib/errors";
import { type AppEnv, actorOf, jsonResponse, readJson, requireRole } from "../lib/http";
import type { OrderModule } from "../order/module";
import { catalogPort } from "./cart-ports";
import { moveOrderOn } from "./consumers";

// Digital goods across modules (the delivery module holds files, key pools and links; it knows
// variants and orders by id only):
//
// - staff register a download variant's file (the edge stored the bytes in its private bucket)
//   and upload a licence-key variant's keys; the keys new to the pool are received as inventory
//   stock, so checkout's reservation refuses what the pool cannot cover, like any out-of-stock
//   (keys first, stock second: a failure between the two leaves fewer units on sale than keys,
//   never more);
// - order.paid → its digital lines get their links and keys (idempotent); an order with nothing
//   to ship (no shipment is made for it) is then fulfilled and delivered. A line that cannot be
//   served yet (no file, a pool short after a manual stock change) waits (RetryLater) and the
//   order is not marked delivered meanwhile. The shopper's mail is the order's one confirmation
//   (order-mail.ts), which asks the same idempotent verb and waits for the same links;
// - order.refunded / order.cancelled → its links stop working and its keys are revoked.

export const DIGITAL_GROUPS = { deliver: "digital-delivery", revoke: "digital-revoke" } as const;

/** Orders whose digital lines are owed to the shopper. */
const OWED = new Set(["paid", "fulfilled", "delivered", "partially_refunded"]);

export interface DigitalDeps {
	delivery: DeliveryModule;
	catalog: Catalog;
	inventory: Pick<Inventory, "getStock" | "defineSku" | "receiveStock">;
	orders: Pick<OrderModule, "getOrder" | "markFulfilled" | "markDelivered">;
}

/** What a paid order is owed, as deliverPaid issued it. */
export interface PaidDelivery {
	/** Every digital line has its link or all its keys (true too for an order owed nothing). */
	complete: boolean;
	waiting: string[];
	lines: DigitalLine[];
	/** No line of the order travels (digital goods and services only): it gets no shipment. */
	shipsNothing: boolean;
}

export interface DigitalWorkflow {
	registerFile(variantId: string, body: unknown, actor: string): ReturnType<DeliveryModule["registerFile"]>;
	uploadKeys(variantId: string, body: unknown, actor: string): ReturnType<DeliveryModule["addKeys"]>;
	/** Issues what a paid order's digital lines are owed; `complete` false: some line must wait. */
	deliverPaid(orderId: string): Promise<PaidDelivery>;
	/** A paid order's links and keys as they stand (the confirmation mail's; no owner check). */
	issued(orderId: string): ReturnType<DeliveryModule["orderDelivery"]>;
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
			if (!OWED.has(order.status)) return { complete: true, waiting: [], lines: [], shipsNothing: false };
			const known = await variants.variants(
				order.lines.map((l) => l.variantId),
				order.currency,
			);
			const lines: DigitalLine[] = [];
			for (const l of order.lines) {
				const delivery = known.get(l.variantId)?.delivery;
				if (delivery) lines.push({ variantId: l.variantId, title: l.title, quantity: l.quantity, delivery });
			}
			// The fulfillment consumer's rule (consumers.ts splitLines): a variant the catalog no longer knows ships.
			const shipsNothing = order.lines.every((l) => {
				const kind = known.get(l.variantId)?.kind;
				return kind !== undefined && kind !== "physical";
			});
			if (lines.length === 0) return { complete: true, waiting: [], lines, shipsNothing };
			const done = await deps.delivery.deliverOrder({ orderId, customerId: order.customerId, lines });
			return {
				complete: done.complete,
				waiting: done.waiting.map((w) => `${w.variantId}: ${w.why}`),
				lines,
				shipsNothing,
			};
		},
		issued: (orderId) => deps.delivery.orderDelivery(orderId),
		async orderDelivery(orderId, customerId) {
			// The order module's rule decides who may read the order (404 for anyone else).
			await deps.orders.getOrder(orderId, customerId);
			return deps.delivery.orderDelivery(orderId, customerId);
		},
	};
}

/**
 * order.paid → links and keys, and an order with nothing to ship is delivered once they exist;
 * order.refunded / order.cancelled → revoked.
 */
export function subscribeDigitalDelivery(
	bus: Bus,
	digital: DigitalWorkflow,
	deps: Pick<DigitalDeps, "delivery" | "orders">,
	tuning: SubscribeOptions = {},
): void {
	bus.subscribe(
		DIGITAL_GROUPS.deliver,
		["order.paid"],
		async (event) => {
			const { orderId } = OrderEventData.parse(event.data);
			const done = await digital.deliverPaid(orderId);
			if (!done.complete) throw new RetryLater(`order ${orderId} waits for ${done.waiting.join("; ")}`);
			if (!done.shipsNothing) return;
			// No shipment carries it: it is fulfilled and delivered here, as a shipment's events would.
			await moveOrderOn(deps.orders, orderId, {
				actor: "delivery",
				reason: "nothing to ship: digital goods and services",
				event: event.type,
				delivered: true,
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

/** The confirmation mail's part for what was bought to download or unlock: links (absolute) and keys. */
export function deliveryMailPart(
	got: Awaited<ReturnType<DeliveryModule["orderDelivery"]>>,
	storefrontUrl: string,
): { text: string[]; html: string[] } {
	if (got.downloads.length === 0 && got.keys.length === 0) return { text: [], html: [] };
	const abs = (path: string) => new URL(path, storefrontUrl).toString();
	return {
		text: [
			"Your downloads and licence keys:",
			...got.downloads.map(
				(d) => `${d.title} (${d.fileName}): ${abs(d.url)}\n  works until ${d.expiresAt}, ${d.maxDownloads} downloads`,
			),
			...got.keys.map((k) => `${k.title} licence key: ${k.key}`),
		],
		html: [
			"<h2>Your downloads and licence keys</h2>",
			"<ul>",
			...got.downloads.map(
				(d) =>
					`<li><a href="${escapeHtml(abs(d.url))}">Download ${escapeHtml(d.title)}</a> (${escapeHtml(d.fileName)}; works until ${escapeHtml(d.expiresAt)}, ${d.maxDownloads} downloads)</li>`,
			),
			...got.keys.map((k) => `<li>${escapeHtml(k.title)} licence key: <code>${escapeHtml(k.key)}</code></li>`),
			"</ul>",
		],
	};
}

/**
 * /delivery/admin (signed by the edge as the staff member, mount before /delivery): admins record
 * a download file the edge stored and upload licence keys; each route is its definition in
 * packages/contracts/src/admin-routes/delivery.ts.
 */
export function deliveryAdminRoutes(digital: DigitalWorkflow, delivery: DeliveryModule): OpenAPIHono<AppEnv> {
	const admin = adminRouter();
	admin.use("*", requireRole("admin"));
	admin.openapi(deliveryAdmin.recordDownloadFile, async (c) =>
		jsonResponse(await digital.registerFile(c.req.valid("param").variantId, c.req.valid("json"), actorOf(c, "admin"))),
	);
	admin.openapi(deliveryAdmin.getDownloadFile, async (c) =>
		jsonResponse(await delivery.getFile(c.req.valid("param").variantId)),
	);
	admin.openapi(deliveryAdmin.uploadLicenceKeys, async (c) =>
		jsonResponse(
			await digital.uploadKeys(c.req.valid("param").variantId, c.req.valid("json"), actorOf(c, "admin")),
			201,
		),
	);
	admin.openapi(deliveryAdmin.getKeyPool, async (c) =>
		jsonResponse(await delivery.keyPool(c.req.valid("param").variantId)),
	);
	return admin;
}

/**
 * /delivery (signed by the edge): a shopper reads their order's links and keys; the edge redeems a
 * link before it streams the file.
 */
export function deliveryRoutes(digital: DigitalWorkflow, delivery: DeliveryModule): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	app.get("/orders/:orderId", async (c) => {
		const user = c.get("caller").user;
		if (!user) throw new ServiceError(401, "This needs a signed-in user.");
		return jsonResponse(await digital.orderDelivery(c.req.param("orderId"), user));
	});
	// Anyone holding a link may download: the edge calls this unsigned-as-a-user (its own signature).
	app.post("/downloads/redeem", async (c) => jsonResponse(await delivery.redeem(readJson(c, z.unknown()))));
	return app;
}

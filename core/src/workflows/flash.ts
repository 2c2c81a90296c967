import { flashAdmin } from "@bazaar/contracts/admin-routes";
import {
	CreateFlashItem,
	type FlashIngestResult,
	type FlashItem,
	FlashReservationBatch,
	FlashReservationId,
	type FlashReservationStatus,
	type FlashReturnBatch,
	flashOrderId,
} from "@bazaar/contracts/flash";
import { Address as OrderAddress, type OrderEventData } from "@bazaar/contracts/order";
import { verifyFlashReservationMac } from "@bazaar/signature/flash";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { z } from "zod";
import type { FlashModule } from "../flash/module";
import type { IdentityModule } from "../identity/module";
import type { Inventory } from "../inventory/module";
import { adminRouter } from "../lib/admin-router";
import { ConflictError, NotFoundError, ServiceError } from "../lib/errors";
import { type AppEnv, jsonResponse, readJson, requireRole } from "../lib/http";
import { bunSignatureCrypto } from "../lib/signature-crypto";
import type { OrderModule } from "../order/module";
import type { PaymentModule } from "../payment/module";

// Flash sales across modules (DESIGN.md, data flow 4):
// - arm: the item's quota leaves regular stock in one inventory transaction (the hold), then the
//   item is marked armed; safe to repeat (the hold is idempotent by its id, derived from the item).
// - ingest: a batch of reservations from the edge's shards → pending_payment orders at the flash
//   price, in one unit of the order database's group commit, idempotent by reservation id (a shard
//   re-sending a batch, or a core restarted mid-batch, creates nothing twice). A reservation the
//   edge did not sign is refused; one that cannot become an order (no shipping address, a price
//   or quantity the item does not allow) is refused too and the shard gives its units back.
// - paid: the order's units are carved out of the hold (once per reservation id); expired or
//   cancelled unpaid: its units go back to the item's shards (the edge de-duplicates by id).

/** How long after the sale's end + payment window the hold keeps what is left (late webhooks). */
export const FLASH_HOLD_GRACE_MS = 5 * 60_000;

export interface FlashDeps {
	flash: FlashModule;
	inventory: Pick<Inventory, "armFlashHold" | "commitFlashUnits">;
	orders: Pick<OrderModule, "placeFlashOrders" | "getOrder" | "cancelUnfulfillable">;
	identity: Pick<IdentityModule, "shippingContacts">;
	payments: Pick<PaymentModule, "createPayment">;
	secret: string;
	storefrontUrl: string;
	/** Units of unpaid reservations back to the item's shards (the edge); throws to be retried. */
	returnUnits(batch: FlashReturnBatch): Promise<void>;
}

export interface FlashWorkflow {
	createItem(input: unknown): Promise<FlashItem>;
	arm(itemId: string, actor: string): Promise<FlashItem>;
	ingest(body: unknown): Promise<FlashIngestResult>;
	/** The shopper's own reservation (anyone else's → 404). */
	status(shopper: string, reservationId: string): Promise<FlashReservationStatus>;
	/** Starts (or resumes) the payment of the shopper's flash order through the usual gateways. */
	pay(
		shopper: string,
		reservationId: string,
		body: unknown,
	): Promise<{ orderId: string; paymentId: string; redirectUrl: string | null }>;
	/** order.paid / order.expired / order.cancelled of a flash order (the inventory consumer). */
	settle(type: string, data: OrderEventData): Promise<void>;
}

export const holdIdOf = (itemId: string) => `fh_${itemId.slice(4)}`;

export function createFlash(deps: FlashDeps): FlashWorkflow {
	return {
		createItem: (input) => deps.flash.createItem(CreateFlashItem.parse(input)),

		async arm(itemId, actor) {
			const item = await deps.flash.getItem(itemId);
			if (item.status === "closed") throw new ConflictError(`Flash-sale item ${itemId} is closed.`);
			if (item.status === "draft" && Date.parse(item.endsAt) <= Date.now()) {
				throw new ConflictError(`Flash-sale item ${itemId} ended at ${item.endsAt}; it cannot be armed.`);
			}
			const holdId = holdIdOf(item.id);
			await deps.inventory.armFlashHold({
				holdId,
				itemId: item.id,
				sku: item.sku,
				quantity: item.quota,
				expiresAt: new Date(
					Date.parse(item.endsAt) + item.paymentWindowSeconds * 1000 + FLASH_HOLD_GRACE_MS,
				).toISOString(),
				actor,
			});
			return deps.flash.markArmed(item.id, holdId);
		},

		async ingest(body) {
			const { reservations } = FlashReservationBatch.parse(body);
			const refused: FlashIngestResult["refused"] = [];
			const macs = await Promise.all(
				reservations.map((r) => verifyFlashReservationMac(deps.secret, r, bunSignatureCrypto)),
			);
			const items = new Map<string, FlashItem | null>();
			for (const r of reservations) {
				if (!items.has(r.itemId)) items.set(r.itemId, await deps.flash.armedItem(r.itemId));
			}
			const contacts = await deps.identity.shippingContacts(reservations.map((r) => r.shopper));
			const inputs: Parameters<FlashDeps["orders"]["placeFlashOrders"]>[0] = [];
			for (const [i, r] of reservations.entries()) {
				const item = items.get(r.itemId);
				if (!macs[i]) {
					refused.push({ id: r.id, reason: "bad_mac" });
					continue;
				}
				if (!item) {
					refused.push({ id: r.id, reason: "unknown_item" });
					continue;
				}
				if (r.unitPrice !== item.flashPrice) {
					refused.push({ id: r.id, reason: "price_mismatch" });
					continue;
				}
				if (r.quantity > item.perShopperLimit) {
					refused.push({ id: r.id, reason: "over_limit" });
					continue;
				}
				const contact = contacts.get(r.shopper);
				const a = contact?.address;
				const address = a
					? OrderAddress.safeParse({
							name: a.recipient,
							line1: a.line1,
							...(a.line2 ? { line2: a.line2 } : {}),
							city: a.city,
							...(a.region ? { region: a.region } : {}),
							postalCode: a.postalCode ?? "",
							country: a.country,
							...(a.phone ? { phone: a.phone } : {}),
						})
					: null;
				if (!contact || !address?.success) {
					refused.push({ id: r.id, reason: "no_address" });
					continue;
				}
				const reservedAt = Date.parse(r.at);
				inputs.push({
					orderId: flashOrderId(r.id),
					reservationId: r.id,
					customerId: r.shopper,
					email: contact.email,
					currency: item.currency,
					line: {
						variantId: item.variantId,
						sku: item.sku,
						title: item.title,
						unitPrice: item.flashPrice,
						quantity: r.quantity,
						weightGrams: 0,
						flashItemId: item.id,
					},
					address: address.data,
					reservedAt: Number.isFinite(reservedAt) ? reservedAt : Date.now(),
					paymentWindowMs: item.paymentWindowSeconds * 1000,
				});
			}
			const created = await deps.orders.placeFlashOrders(inputs);
			return { created: created.length, duplicates: inputs.length - created.length, refused };
		},

		async status(shopper, reservationId) {
			if (!FlashReservationId.safeParse(reservationId).success) throw new NotFoundError("Reservation");
			const orderId = flashOrderId(reservationId);
			const order = await deps.orders.getOrder(orderId, shopper).catch((err) => {
				if (err instanceof NotFoundError) return null;
				throw err;
			});
			return {
				reservationId,
				orderId,
				status: order?.status ?? null,
				total: order?.total ?? null,
				currency: order?.currency ?? null,
				expiresAt: order?.expiresAt ?? null,
			};
		},

		async pay(shopper, reservationId, body) {
			const req = PayBody.parse(body ?? {});
			if (!FlashReservationId.safeParse(reservationId).success) throw new NotFoundError("Reservation");
			const order = await deps.orders.getOrder(flashOrderId(reservationId), shopper);
			if (order.status !== "pending_payment") {
				throw new ConflictError(`This order is ${order.status}; it cannot be paid.`);
			}
			const back = new URL(`/checkout/return/${order.id}`, deps.storefrontUrl).toString();
			const { payment } = await deps.payments.createPayment({
				orderId: order.id,
				amount: { amount: order.total, currency: order.currency },
				gateway: req.gateway,
				returnUrl: back,
				cancelUrl: back,
				idempotencyKey: `flash:${order.id}`,
				expiresAt: order.expiresAt,
			});
			return { orderId: order.id, paymentId: payment.id, redirectUrl: payment.redirectUrl };
		},

		async settle(type, data) {
			const line = data.lines[0];
			const itemId = line?.flashItemId;
			if (!line || !itemId) return;
			if (type === "order.paid") {
				try {
					await deps.inventory.commitFlashUnits({
						holdId: holdIdOf(itemId),
						reservationId: data.reservationId,
						orderId: data.orderId,
						quantity: line.quantity,
					});
				} catch (err) {
					if (!(err instanceof ConflictError || err instanceof NotFoundError)) throw err;
					// The hold is gone (the sale and its grace are over): the order cannot be honoured.
					await deps.orders.cancelUnfulfillable(
						data.orderId,
						"The flash sale had ended before your payment reached us; it is refunded in full.",
					);
				}
				return;
			}
			// expired or cancelled before it was paid: its units go back on sale.
			if (data.paymentId) return;
			await deps.returnUnits({
				itemId,
				reservations: [{ id: data.reservationId, quantity: line.quantity, shopper: data.customerId }],
			});
		},
	};
}

const PayBody = z.strictObject({ gateway: z.string().max(40).optional() });

/**
 * Under /flash/admin (mount before /flash): admins create and arm items; each route is its
 * definition in packages/contracts/src/admin-routes/flash.ts.
 */
export function flashAdminRoutes(flash: FlashWorkflow, module: FlashModule): OpenAPIHono<AppEnv> {
	const admin = adminRouter();
	admin.use("*", requireRole("admin"));
	admin.openapi(flashAdmin.createFlashItem, async (c) => {
		const item = await flash.createItem(c.req.valid("json"));
		return jsonResponse(item, 201, { location: `/flash/admin/items/${item.id}` });
	});
	admin.openapi(flashAdmin.listFlashItems, async () => jsonResponse({ items: await module.listItems() }));
	admin.openapi(flashAdmin.getFlashItem, async (c) => jsonResponse(await module.getItem(c.req.valid("param").id)));
	admin.openapi(flashAdmin.armFlashItem, async (c) =>
		jsonResponse(await flash.arm(c.req.valid("param").id, c.get("caller").user)),
	);
	return admin;
}

/**
 * Under /flash: the edge's shards send reservations (service: POST /flash/reservations); a shopper
 * reads and pays their own reservation.
 */
export function flashRoutes(flash: FlashWorkflow, module: FlashModule): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	// The edge reads an armed item's terms to configure its shards and check the window.
	app.get("/items/:id", requireRole("service", "admin"), async (c) => {
		const item = await module.armedItem(c.req.param("id"));
		if (!item) throw new NotFoundError("Flash-sale item");
		return jsonResponse(item);
	});
	app.post("/reservations", requireRole("service"), async (c) =>
		jsonResponse(await flash.ingest(readJson(c, z.unknown()))),
	);
	app.get("/reservations/:id", async (c) => jsonResponse(await flash.status(shopperOf(c), c.req.param("id"))));
	app.post("/reservations/:id/pay", async (c) =>
		jsonResponse(await flash.pay(shopperOf(c), c.req.param("id"), readJson(c, z.unknown()))),
	);
	return app;
}

function shopperOf(c: { get(key: "caller"): { user: string; roles: string[] } }): string {
	const caller = c.get("caller");
	if (!caller.user || !caller.roles.includes("customer"))
		throw new ServiceError(401, "Sign in to buy in a flash sale.");
	return caller.user;
}

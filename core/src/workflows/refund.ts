import { createHash } from "node:crypto";
import { orderAdmin } from "@bazaar/contracts/admin-routes";
import { type AdminRefundAnswer, AdminRefundInput, IdempotencyKey } from "@bazaar/contracts/order";
import type { Caller } from "@bazaar/signature";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Inventory } from "../inventory/module";
import { adminRouter } from "../lib/admin-router";
import { ConflictError, ServiceError } from "../lib/errors";
import { type AppEnv, jsonResponse, requireRole } from "../lib/http";
import type { OrderModule } from "../order/module";
import { lineRefundAmount } from "../order/pricing/refund-amount";
import type { PaymentModule } from "../payment/module";
import { isClearRefusal } from "../payment/refund-payment";

// The admin refund (issue 4), a workflow outside the modules: each does its own part through
// its verbs.
//
//   order.beginRefund (checks; the request is recorded before anything is sent)
//   → payment.refund (the gateway, under a key derived from the admin's Idempotency-Key)
//   → order.settleRefundRequest (the gateway's refund id) → inventory.returnUnits (restock)
//   → 202 {order, payment, refund}
//
// The order's status does not change here: it moves when the gateway's refund webhook lands
// (payment.refunded → the order-refunds consumer → order.recordRefund), the one place that
// knows what was really refunded. Same Idempotency-Key → the same refund: the recorded request
// answers it again; one recorded but never answered (a crash, a gateway that failed mid-way) is
// sent again under the same gateway key, which the gateway refunds at most once. A request whose
// answer was lost keeps its amount (here and in the payment module's own record), so a retry
// under a NEW key cannot refund it a second time: the sum refunded never exceeds the capture.

export const REFUND_ROLES = ["admin"];

export interface RefundDeps {
	orders: Pick<OrderModule, "getOrder" | "beginRefund" | "settleRefundRequest" | "dropRefundRequest">;
	payments: Pick<PaymentModule, "getPayment" | "refund">;
	inventory: Pick<Inventory, "getReservation" | "returnUnits">;
}

export interface RefundResult extends AdminRefundAnswer {
	/** true when the key had already asked for this refund. */
	replayed: boolean;
}

export interface RefundWorkflow {
	run(caller: Caller, orderId: string, idempotencyKey: string | undefined, body: unknown): Promise<RefundResult>;
}

export function createRefunds(deps: RefundDeps): RefundWorkflow {
	return {
		async run(caller, orderId, idempotencyKey, body) {
			const key = IdempotencyKey.safeParse(idempotencyKey);
			if (!key.success) {
				throw new ServiceError(
					idempotencyKey === undefined ? 428 : 400,
					idempotencyKey === undefined
						? "A refund needs an Idempotency-Key header (the same key never refunds twice)."
						: "The Idempotency-Key must be 8–200 printable characters without spaces.",
				);
			}
			const input = AdminRefundInput.parse(body);
			const order = await deps.orders.getOrder(orderId);
			const payment = order.paymentId ? await deps.payments.getPayment(order.paymentId) : null;

			if (input.restock && order.paymentId) {
				// Checked before anything is sent: a restock that cannot happen must not follow a refund.
				const reservation = await deps.inventory.getReservation(order.reservationId);
				if (reservation.status === "active") {
					throw new ConflictError("The order's units are still being committed as sold; try again in a moment.");
				}
				if (reservation.status === "released" || reservation.status === "expired") {
					throw new ConflictError(`The order's units were never sold (its reservation is ${reservation.status}).`);
				}
			}

			// Units instead of an amount: what was paid for them (discounts pro-rated, tax added).
			const amount = input.lines ? lineRefundAmount(order, input.lines) : input.amount;
			const requestHash = createHash("sha256")
				.update(
					JSON.stringify([
						input.amount ?? null,
						input.currency ?? null,
						input.reason,
						input.restock,
						input.lines ?? null,
					]),
				)
				.digest("base64url");
			const begun = await deps.orders.beginRefund({
				orderId: order.id,
				idempotencyKey: key.data,
				requestHash,
				...(amount !== undefined ? { amount } : {}),
				...(input.currency !== undefined ? { currency: input.currency } : {}),
				reason: input.reason,
				restock: input.restock,
				actor: caller.user || "admin",
				paymentRefunded: payment?.refundedAmount ?? 0,
			});
			let request = begun.request;

			if (request.refundId === null) {
				let answer: Awaited<ReturnType<RefundDeps["payments"]["refund"]>>;
				try {
					answer = await deps.payments.refund(
						request.paymentId,
						request.amount,
						`refund:${order.id}:${key.data}`,
						`admin refund by ${request.actor}: ${request.reason}`,
					);
				} catch (err) {
					// Clearly refused (a 4xx): nothing was refunded, so the request no longer holds its
					// amount. Any other failure (a timeout, the gateway's 5xx) may have refunded: the
					// request keeps its amount, and the same key asks again without a second refund.
					if (isClearRefusal(err)) await deps.orders.dropRefundRequest(order.id, key.data);
					throw err;
				}
				request = await deps.orders.settleRefundRequest(order.id, key.data, answer);
			}

			if (request.restock && request.status !== "failed") {
				await deps.inventory.returnUnits(order.reservationId, {
					actor: request.actor,
					reason: `refund of order ${order.id}: ${request.reason}`,
				});
			}
			return {
				order: await deps.orders.getOrder(order.id),
				payment: await deps.payments.getPayment(request.paymentId),
				refund: {
					refundId: request.refundId ?? "",
					status: request.status === "requested" ? "pending" : request.status,
				},
				replayed: begun.replay,
			};
		},
	};
}

/**
 * POST /orders/admin/:id/refund (mount under /orders/admin BEFORE the order routes; the role check
 * is on the route itself so the order module's own admin routes keep theirs).
 */
export function refundRoutes(refunds: RefundWorkflow): OpenAPIHono<AppEnv> {
	const app = adminRouter();
	app.use("/:id/refund", requireRole(...REFUND_ROLES));
	app.openapi(orderAdmin.refundOrder, async (c) => {
		const result = await refunds.run(
			c.get("caller"),
			c.req.valid("param").id,
			c.req.header("idempotency-key"),
			c.req.valid("json"),
		);
		const { replayed, ...answer } = result;
		return jsonResponse(answer, 202, replayed ? { "idempotent-replayed": "true" } : {});
	});
	return app;
}

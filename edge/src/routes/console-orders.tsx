import { ShipmentList } from "@bazaar/contracts/fulfillment";
import { OrderDetail, PaymentConflictList, RefundRequestList } from "@bazaar/contracts/order";
import { OrderPayment } from "@bazaar/contracts/payment";
import { randomToken } from "@bazaar/ids";
import { parseDecimal } from "@bazaar/money";
import { Hono } from "hono";
import { z } from "zod";
import { canRead, canWrite } from "../console/access";
import { adminCall } from "../console/admin-call";
import { consolePage, doneText, failedRead, gate, refusal, staff } from "../console/page";
import type { Fields } from "../console/product-form";
import type { AppContext, AppEnv } from "../env";
import { checkedForm } from "../lib/forms";
import { seeOther } from "../lib/personal-page";
import type { FormMessage } from "../views/account-pages";
import { OrderPage, PackingSlipPage } from "../views/console-orders";

// One order as staff see it: its lines, timeline, payments and refunds, its shipments; and what
// an admin does with it — refund all, an amount or some units (with restock), ship, deliver or
// cancel a shipment, cancel the order. Support agents see the same page without the forms.

export const consoleOrders = new Hono<AppEnv>();

const DONE: Record<string, string> = {
	refunded: "The refund was asked of the payment gateway; the order moves when the gateway confirms it.",
	shipped: "The shipment was marked shipped.",
	delivered: "The shipment was marked delivered.",
	"shipment-cancelled": "The shipment was cancelled.",
	cancelled: "The order was cancelled.",
};

const Payments = z.object({ items: z.array(OrderPayment) });
const orderPath = (id: string) => `/orders/${encodeURIComponent(id)}`;

/** The order and everything about it the staff member's roles may read (a part they may not read is left out). */
async function loadOrder(c: AppContext, id: string) {
	const roles = staff(c).roles;
	const admin = canRead(roles, "operations");
	const [order, refunds, shipments, payments, conflicts] = await Promise.all([
		adminCall(c, OrderDetail, "GET", orderPath(id)),
		adminCall(c, RefundRequestList, "GET", `${orderPath(id)}/refunds`),
		adminCall(c, ShipmentList, "GET", `/fulfillment/shipments?orderId=${encodeURIComponent(id)}`),
		admin ? adminCall(c, Payments, "GET", `/payment/orders/${encodeURIComponent(id)}/payments`) : null,
		admin ? adminCall(c, PaymentConflictList, "GET", `${orderPath(id)}/payment-conflicts`) : null,
	]);
	return {
		order,
		refunds: refunds.ok ? refunds.value.items : null,
		shipments: shipments.ok ? shipments.value.items : null,
		payments: payments?.ok ? payments.value.items : null,
		conflicts: conflicts?.ok ? conflicts.value : null,
	};
}

async function renderOrder(c: AppContext, id: string, status: number, message?: FormMessage, values: Fields = {}) {
	const s = staff(c);
	const data = await loadOrder(c, id);
	if (!data.order.ok) return failedRead(c, data.order, "orders");
	const page = (
		<OrderPage
			roles={s.roles}
			csrf={s.csrf}
			order={data.order.value}
			refunds={data.refunds}
			shipments={data.shipments}
			payments={data.payments}
			conflicts={data.conflicts}
			canChange={canWrite(s.roles, "orders")}
			refundKey={values.idempotencyKey || randomToken(16)}
			values={values}
			message={message}
			done={doneText(c, DONE)}
		/>
	);
	return consolePage(c, status, page);
}

consoleOrders.get("/orders/:id{ord_[0-9A-Z]+}", async (c) => {
	const denied = gate(c, "orders");
	if (denied) return denied;
	return renderOrder(c, c.req.param("id"), 200);
});

consoleOrders.get("/orders/:id{ord_[0-9A-Z]+}/slip", async (c) => {
	const denied = gate(c, "orders");
	if (denied) return denied;
	const id = c.req.param("id");
	const [order, shipments] = await Promise.all([
		adminCall(c, OrderDetail, "GET", orderPath(id)),
		adminCall(c, ShipmentList, "GET", `/fulfillment/shipments?orderId=${encodeURIComponent(id)}`),
	]);
	if (!order.ok) return failedRead(c, order, "orders");
	const s = staff(c);
	const page = (
		<PackingSlipPage
			roles={s.roles}
			csrf={s.csrf}
			order={order.value}
			shipments={shipments.ok ? shipments.value.items : []}
		/>
	);
	return consolePage(c, 200, page);
});

/** An order form's start: the write gate and the checked form. */
async function orderForm(c: AppContext): Promise<Fields | Response> {
	const denied = gate(c, "orders", "write");
	if (denied) return denied;
	return checkedForm(c);
}

type RefundBody = {
	reason: string;
	restock: boolean;
	amount?: number;
	lines?: { variantId: string; quantity: number }[];
};

/** The refund form as AdminRefundInput: everything left, an amount, or units per line. */
function refundBody(
	fields: Fields,
	order: OrderDetail,
): { ok: true; body: RefundBody } | { ok: false; message: FormMessage } {
	const body: RefundBody = { reason: (fields.reason ?? "").trim(), restock: fields.restock === "on" };
	const bad = (path: string, message: string) => ({
		ok: false as const,
		message: { text: message, errors: [{ path, message }] },
	});
	if (fields.mode === "amount") {
		try {
			body.amount = parseDecimal(fields.amount ?? "", order.currency);
		} catch {
			return bad("amount", `an amount in ${order.currency}, such as 12.50`);
		}
	} else if (fields.mode === "lines") {
		const lines: { variantId: string; quantity: number }[] = [];
		for (const line of order.lines) {
			const raw = (fields[`line.${line.variantId}`] ?? "").trim();
			if (raw === "" || raw === "0") continue;
			if (!/^\d{1,3}$/.test(raw)) return bad(`line.${line.variantId}`, "a whole number of units");
			lines.push({ variantId: line.variantId, quantity: Number(raw) });
		}
		if (lines.length === 0) return bad("lines", "give the units to refund on at least one line");
		body.lines = lines;
	}
	return { ok: true, body };
}

consoleOrders.post("/orders/:id{ord_[0-9A-Z]+}/refund", async (c) => {
	const fields = await orderForm(c);
	if (fields instanceof Response) return fields;
	const id = c.req.param("id");
	const order = await adminCall(c, OrderDetail, "GET", orderPath(id));
	if (!order.ok) return failedRead(c, order, "orders");
	const parsed = refundBody(fields, order.value);
	if (!parsed.ok) return renderOrder(c, id, 422, parsed.message, fields);
	// The key the page was rendered with: pressing the button twice asks for one refund.
	const key = /^[A-Za-z0-9_-]{8,64}$/.test(fields.idempotencyKey ?? "") ? fields.idempotencyKey! : randomToken(16);
	const answer = await adminCall(c, z.unknown(), "POST", `${orderPath(id)}/refund`, parsed.body, {
		"idempotency-key": key,
	});
	if (!answer.ok) {
		const r = refusal(answer);
		return renderOrder(c, id, r.status, r.message, fields);
	}
	return seeOther(c, `/admin/orders/${id}?done=refunded`);
});

consoleOrders.post("/orders/:id{ord_[0-9A-Z]+}/cancel", async (c) => {
	const fields = await orderForm(c);
	if (fields instanceof Response) return fields;
	const id = c.req.param("id");
	const reason = (fields.reason ?? "").trim();
	const answer = await adminCall(c, z.unknown(), "POST", `${orderPath(id)}/cancel`, reason ? { reason } : {});
	if (!answer.ok) {
		const r = refusal(answer);
		return renderOrder(c, id, r.status, r.message, fields);
	}
	return seeOther(c, `/admin/orders/${id}?done=cancelled`);
});

const SHIPMENT_DONE = { ship: "shipped", deliver: "delivered", cancel: "shipment-cancelled" } as const;

consoleOrders.post("/orders/:id{ord_[0-9A-Z]+}/shipments/:shipment/:action{ship|deliver|cancel}", async (c) => {
	const fields = await orderForm(c);
	if (fields instanceof Response) return fields;
	const id = c.req.param("id");
	const action = c.req.param("action") as keyof typeof SHIPMENT_DONE;
	const body: Record<string, string> = {};
	for (const name of action === "ship" ? ["carrier", "trackingNumber", "reason"] : ["reason"]) {
		const value = (fields[name] ?? "").trim();
		if (value) body[name] = value;
	}
	const path = `/fulfillment/shipments/${encodeURIComponent(c.req.param("shipment"))}/${action}`;
	const answer = await adminCall(c, z.unknown(), "POST", path, body);
	if (!answer.ok) {
		const r = refusal(answer);
		return renderOrder(c, id, r.status, r.message, fields);
	}
	return seeOther(c, `/admin/orders/${id}?done=${SHIPMENT_DONE[action]}`);
});

import type { Payment, PaymentStatus } from "@bazaar/contracts/payment";
import { sql } from "drizzle-orm";
import type { TxDb } from "../lib/db";

export const PAYMENT_COLUMNS = sql.raw(
	`id, order_id AS orderId, gateway, reference, amount, currency, status, refunded_amount AS refundedAmount,
	settled_order_id AS settledOrderId, redirect_url AS redirectUrl, client_secret AS clientSecret,
	failure_reason AS failureReason, expires_at AS expiresAt, created_at AS createdAt, updated_at AS updatedAt`,
);

export interface PaymentRecord {
	id: string;
	orderId: string;
	gateway: string;
	reference: string;
	amount: number;
	currency: string;
	status: PaymentStatus;
	refundedAmount: number;
	settledOrderId: string | null;
	redirectUrl: string | null;
	clientSecret: string | null;
	failureReason: string | null;
	expiresAt: string | null;
	createdAt: string;
	updatedAt: string;
}

export function toPayment(r: PaymentRecord): Payment {
	return {
		id: r.id,
		orderId: r.orderId,
		gateway: r.gateway,
		reference: r.reference,
		amount: { amount: Number(r.amount), currency: r.currency },
		status: r.status,
		refundedAmount: Number(r.refundedAmount),
		redirectUrl: r.redirectUrl,
		clientSecret: r.clientSecret,
		failureReason: r.failureReason,
		expiresAt: r.expiresAt,
		createdAt: r.createdAt,
		updatedAt: r.updatedAt,
	};
}

export async function loadPaymentBy(
	db: Pick<TxDb, "all">,
	where: { id: string } | { gateway: string; reference: string } | { gateways: readonly string[]; reference: string },
): Promise<PaymentRecord | null> {
	const cond =
		"id" in where
			? sql`id = ${where.id}`
			: "gateway" in where
				? sql`gateway = ${where.gateway} AND reference = ${where.reference}`
				: sql`gateway IN (${sql.join(
						where.gateways.map((g) => sql`${g}`),
						sql`, `,
					)}) AND reference = ${where.reference}`;
	const [row] = await db.all<PaymentRecord>(sql`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE ${cond}`);
	return row ?? null;
}

import type { Money } from "@bazaar/money";
import { sql } from "drizzle-orm";
import type { TxDb } from "../lib/db";
import { NotFoundError, ServiceError, ValidationError } from "../lib/errors";
import { iso, type PaymentContext, paymentWrite } from "./context";
import type { GatewayRefund } from "./gateway";
import { loadPaymentBy, type PaymentRecord } from "./records";

// Every refund of a payment goes through here, whoever asks (an admin's refund, the automatic
// refund of a payment that could not settle its order): the sum asked of the gateway for one
// payment never exceeds what it captured, whatever idempotency keys the callers use.
//
//   1. one write transaction: the key's row answers a repeat; otherwise what is left is checked
//      and the request is recorded (status requested) BEFORE the gateway is asked;
//   2. the gateway, under the same key (it refunds a key once);
//   3. its answer on the row — or, when it clearly refused (a 4xx), the row is `failed` and its
//      amount no longer counts. An answer that never came (a timeout, a 5xx) leaves the row
//      `requested`: the gateway may have refunded it, so its amount stays taken, and asking again
//      with the same key completes it without a second refund.

export interface RefundRequestInput {
	paymentId: string;
	/** "rest": everything left to refund when the request is first recorded (automatic refunds). */
	amount: Money | "rest";
	/** The gateway's idempotency key: the same key refunds once. */
	idempotencyKey: string;
	/** Who asked and why, kept with the request. */
	reason: string;
}

export class OverRefundError extends ServiceError {
	constructor(message: string, left: number) {
		super(422, `over-refund: ${message}`, [{ path: "amount", message: `at most ${left}` }]);
	}
}

interface RefundRow {
	paymentId: string;
	amount: number;
	currency: string;
	status: "requested" | "succeeded" | "pending" | "failed";
	refundId: string | null;
}

type Begun = { payment: PaymentRecord; amount: Money | null; answered: GatewayRefund | null };

/** Refunds as described above; null when `rest` found nothing left to refund (nothing is asked). */
export async function refundPayment(ctx: PaymentContext, input: RefundRequestInput): Promise<GatewayRefund | null> {
	const at = iso(ctx.now());
	const asked = input.amount;
	const begun = await paymentWrite(ctx, async (tx): Promise<Begun> => {
		const payment = await loadPaymentBy(tx, { id: input.paymentId });
		if (!payment) throw new NotFoundError("The payment");
		const [seen] = await tx.all<RefundRow>(sql`SELECT payment_id AS paymentId, amount, currency, status,
				refund_id AS refundId
			FROM payment_refunds WHERE idempotency_key = ${input.idempotencyKey}`);
		if (seen) {
			const same =
				seen.paymentId === payment.id &&
				(asked === "rest" || (Number(seen.amount) === asked.amount && seen.currency === asked.currency));
			if (!same) throw new ServiceError(422, "This idempotency key was already used for another refund.");
			const amount = { amount: Number(seen.amount), currency: seen.currency };
			// Answered before: the same answer, the gateway is not asked again.
			if (seen.refundId !== null && seen.status !== "failed") {
				return {
					payment,
					amount,
					answered: { refundId: seen.refundId, status: seen.status as GatewayRefund["status"] },
				};
			}
			if (seen.status === "requested") return { payment, amount, answered: null };
			// Refused before: asking again is a new request, checked like one.
			await tx.run(sql`DELETE FROM payment_refunds WHERE idempotency_key = ${input.idempotencyKey}`);
		}
		const left = await leftToRefund(tx, payment);
		if (asked === "rest" && left === 0) return { payment, amount: null, answered: null };
		const amount = asked === "rest" ? { amount: left, currency: payment.currency } : asked;
		// Whether money was taken is the gateway's to say (our record may not have heard yet); what
		// is checked here is that the asking never adds up to more than the payment.
		if (amount.currency !== payment.currency || !Number.isInteger(amount.amount) || amount.amount <= 0) {
			throw new ValidationError(`A refund is a positive amount in ${payment.currency}.`, [
				{ path: "amount", message: `minor units of ${payment.currency}, more than 0` },
			]);
		}
		if (amount.amount > left) {
			throw new OverRefundError(
				left === 0
					? `nothing is left to refund on payment ${payment.id}.`
					: `${amount.amount} is more than the ${left} left to refund on payment ${payment.id}.`,
				left,
			);
		}
		await tx.run(sql`INSERT INTO payment_refunds (idempotency_key, payment_id, amount, currency, reason, status,
				refund_id, created_at, updated_at)
			VALUES (${input.idempotencyKey}, ${payment.id}, ${amount.amount}, ${payment.currency},
				${input.reason.slice(0, 500)}, 'requested', NULL, ${at}, ${at})`);
		return { payment, amount, answered: null };
	});
	if (begun.answered) return begun.answered;
	if (!begun.amount) return null;

	const gateway = ctx.gateways.get(begun.payment.gateway);
	if (!gateway) throw new NotFoundError(`The payment gateway ${begun.payment.gateway}`);
	let answer: GatewayRefund;
	try {
		answer = await gateway.refund(begun.payment.reference, begun.amount, input.idempotencyKey);
	} catch (err) {
		if (isClearRefusal(err)) await settle(ctx, input.idempotencyKey, { refundId: null, status: "failed" });
		throw err;
	}
	await settle(ctx, input.idempotencyKey, answer);
	return answer;
}

/** The gateway said no (4xx) and refunded nothing; anything else may have refunded. */
export function isClearRefusal(err: unknown): boolean {
	return err instanceof ServiceError && err.status >= 400 && err.status < 500;
}

/** What a payment may still refund: its amount − the most of what the gateway reported and what was asked. */
async function leftToRefund(tx: TxDb, p: PaymentRecord): Promise<number> {
	const [asked] = await tx.all<{ total: number }>(sql`SELECT coalesce(sum(amount), 0) AS total
		FROM payment_refunds WHERE payment_id = ${p.id} AND status <> 'failed'`);
	return Math.max(0, Number(p.amount) - Math.max(Number(p.refundedAmount), Number(asked?.total ?? 0)));
}

async function settle(
	ctx: PaymentContext,
	key: string,
	answer: { refundId: string | null; status: GatewayRefund["status"] },
): Promise<void> {
	const at = iso(ctx.now());
	await paymentWrite(ctx, (tx) =>
		tx.run(sql`UPDATE payment_refunds SET status = ${answer.status}, refund_id = ${answer.refundId},
			updated_at = ${at} WHERE idempotency_key = ${key}`),
	);
}

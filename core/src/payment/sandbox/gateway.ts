import { GatewayEvent, SandboxReference, SandboxWebhookBody } from "@bazaar/contracts/payment";
import { newId, randomToken } from "@bazaar/ids";
import type { Money } from "@bazaar/money";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../lib/db";
import { ConflictError, NotFoundError, ServiceError } from "../../lib/errors";
import {
	type CreateGatewayPayment,
	type GatewayPaymentCreated,
	type GatewayPaymentStatus,
	type GatewayRefund,
	type PaymentGateway,
	WebhookRejectedError,
} from "../gateway";
import { hostedPage } from "./page";
import { SIGNATURE_HEADER, verifyPayload } from "./signature";
import { queueWebhook } from "./webhooks";

// The built-in sandbox gateway (only where PAYMENT_SANDBOX=on): it behaves like a real redirect
// gateway so the whole purchase runs with no keys. createPayment opens a session and returns the
// URL of its hosted page; the shopper approves or declines there; the sandbox then sends us a
// signed webhook (retried until 2xx) and sends the browser back to the shop. Its own state lives
// in the sandbox_* tables.
//
// The page and its decisions belong to the shopper who owns the order: the edge signs the
// shopper (session cookie or bearer) into the call, and anyone else — an anonymous visitor who
// learnt the reference, another shopper — gets a 404, exactly as for a reference that does not
// exist. Knowing a reference grants nothing.

export interface SandboxOptions {
	/** The payment database (the sandbox keeps its state in the sandbox_* tables). */
	database: Database<Record<string, unknown>>;
	webhookSecret: string;
	/** Browser-facing base of the hosted page, e.g. http://127.0.0.1:8787/sandbox-pay (edge) */
	pageBaseUrl: string;
	/** Our webhook endpoint, e.g. http://127.0.0.1:4000/payment/webhooks/sandbox */
	webhookUrl: string;
	fetch?: typeof fetch;
	now?: () => number;
	/**
	 * Who owns an order (its customer id), null when there is no such order: the order module's
	 * verb, passed in by the composition root. Only the owner sees the page and decides.
	 */
	ownerOf: (orderId: string) => Promise<string | null>;
}

interface SessionRow {
	reference: string;
	paymentId: string;
	orderId: string;
	amount: number;
	currency: string;
	returnUrl: string;
	cancelUrl: string;
	status: "open" | "approved" | "declined";
	refundedAmount: number;
	expiresAt: string | null;
}

const SESSION_COLUMNS =
	sql.raw(`reference, payment_id AS paymentId, order_id AS orderId, amount, currency, return_url AS returnUrl,
	cancel_url AS cancelUrl, status, refunded_amount AS refundedAmount, expires_at AS expiresAt`);

export class SandboxGateway implements PaymentGateway {
	readonly name = "sandbox";
	private readonly now: () => number;

	constructor(private readonly o: SandboxOptions) {
		this.now = o.now ?? Date.now;
	}

	async createPayment(req: CreateGatewayPayment): Promise<GatewayPaymentCreated> {
		const at = new Date(this.now()).toISOString();
		const reference = `sbx_${randomToken(18)}`;
		const [row] = await this.o.database.write((tx) =>
			tx.all<{ reference: string }>(sql`INSERT INTO sandbox_sessions (reference, idempotency_key, payment_id,
					order_id, amount, currency, return_url, cancel_url, status, expires_at, created_at, updated_at)
				VALUES (${reference}, ${req.idempotencyKey}, ${req.paymentId}, ${req.orderId}, ${req.amount.amount},
					${req.amount.currency}, ${req.returnUrl}, ${req.cancelUrl}, 'open', ${req.expiresAt ?? null}, ${at}, ${at})
				ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = excluded.idempotency_key
				RETURNING reference`),
		);
		const ref = String(row?.reference);
		return { reference: ref, redirectUrl: `${this.o.pageBaseUrl.replace(/\/$/, "")}/${ref}` };
	}

	async parseWebhook(rawBody: string, headers: Headers): Promise<GatewayEvent> {
		const check = verifyPayload(
			this.o.webhookSecret,
			rawBody,
			headers.get(SIGNATURE_HEADER),
			Math.floor(this.now() / 1000),
		);
		if (!check.ok) throw new WebhookRejectedError(check.reason);
		let body: SandboxWebhookBody;
		try {
			body = SandboxWebhookBody.parse(JSON.parse(rawBody));
		} catch {
			throw new WebhookRejectedError("the body is not a sandbox event");
		}
		return GatewayEvent.parse({
			id: body.id,
			type: body.type,
			reference: body.data.reference,
			amount: { amount: body.data.amount, currency: body.data.currency },
			refundedAmount: body.data.refundedAmount,
			failureReason: body.data.failureReason,
			occurredAt: new Date(body.created * 1000).toISOString(),
		});
	}

	async getStatus(reference: string): Promise<GatewayPaymentStatus> {
		const s = await this.session(reference);
		return {
			status:
				s.status === "approved"
					? "succeeded"
					: s.status === "declined"
						? "failed"
						: this.expired(s)
							? "cancelled"
							: "requires_action",
			amount: { amount: Number(s.amount), currency: s.currency },
			refundedAmount: Number(s.refundedAmount),
		};
	}

	async refund(reference: string, amount: Money, idempotencyKey: string): Promise<GatewayRefund> {
		const nowMs = this.now();
		const refundId = `sbxre_${randomToken(12)}`;
		const result = await this.o.database.write(async (tx) => {
			const [seen] = await tx.all<{ refundId: string }>(
				sql`SELECT refund_id AS refundId FROM sandbox_refunds WHERE idempotency_key = ${idempotencyKey}`,
			);
			if (seen) return { refundId: seen.refundId };
			const [s] = await tx.all<SessionRow>(
				sql`SELECT ${SESSION_COLUMNS} FROM sandbox_sessions WHERE reference = ${reference}`,
			);
			if (!s) throw new NotFoundError("The sandbox payment");
			if (s.status !== "approved") throw new ConflictError("Only an approved payment can be refunded.");
			if (amount.currency !== s.currency || amount.amount <= 0) throw new ServiceError(400, "Bad refund amount.");
			const refunded = Number(s.refundedAmount) + amount.amount;
			if (refunded > Number(s.amount)) throw new ConflictError("The refund exceeds what is left of the payment.");
			await tx.run(sql`UPDATE sandbox_sessions SET refunded_amount = ${refunded} WHERE reference = ${reference}`);
			await tx.run(sql`INSERT INTO sandbox_refunds (idempotency_key, refund_id, reference, amount, created_at)
				VALUES (${idempotencyKey}, ${refundId}, ${reference}, ${amount.amount}, ${new Date(nowMs).toISOString()})`);
			await queueWebhook(tx, {
				id: newId("evt").replace(/^evt_/, "sbxevt_"),
				type: "payment.refunded",
				created: Math.floor(nowMs / 1000),
				data: {
					reference,
					paymentId: s.paymentId,
					orderId: s.orderId,
					amount: Number(s.amount),
					currency: s.currency,
					refundedAmount: refunded,
				},
			});
			return { refundId };
		});
		return { refundId: result.refundId, status: "succeeded" };
	}

	// ---- the hosted page (the shopper's browser, through the edge, signed as the shopper) ---------

	/**
	 * The page's HTML for its owner, and the shop's origins it redirects to (for the page's CSP).
	 * `formToken` is what the forms carry back: the edge's CSRF token of the shopper's session,
	 * which the edge checks before it forwards a decision.
	 */
	async page(reference: string, viewer: string, formToken: string): Promise<{ html: string; returnOrigins: string[] }> {
		const s = await this.ownSession(reference, viewer);
		const returnOrigins = [...new Set([new URL(s.returnUrl).origin, new URL(s.cancelUrl).origin])];
		const html = hostedPage({
			reference: s.reference,
			amount: { amount: Number(s.amount), currency: s.currency },
			orderId: s.orderId,
			status: s.status === "open" && this.expired(s) ? "expired" : s.status,
			formToken,
			cancelUrl: s.cancelUrl,
		});
		return { html, returnOrigins };
	}

	/**
	 * The owner's decision. Only the first one counts (a double click or a second tab gets the
	 * same outcome and no second webhook). The webhook is queued in the same transaction as the
	 * decision, sent at once, and waited for briefly, so a returning shopper mostly finds the
	 * order already paid; if our endpoint is down it is retried until it answers.
	 */
	async decide(reference: string, decision: "approve" | "decline", viewer: string): Promise<{ location: string }> {
		const own = await this.ownSession(reference, viewer);
		// The order stopped waiting: like a real gateway's expired session, the page takes nothing.
		if (own.status === "open" && this.expired(own)) {
			throw new ConflictError("This payment page has expired: the order stopped waiting for its payment.");
		}
		const status = decision === "approve" ? "approved" : "declined";
		const nowMs = this.now();
		const at = new Date(nowMs).toISOString();
		const eventId = newId("evt").replace(/^evt_/, "sbxevt_");
		const decided = await this.o.database.write(async (tx) => {
			const [row] = await tx.all<SessionRow>(sql`UPDATE sandbox_sessions SET status = ${status}, updated_at = ${at}
				WHERE reference = ${reference} AND status = 'open' AND (expires_at IS NULL OR expires_at > ${at})
				RETURNING ${SESSION_COLUMNS}`);
			if (!row) return null;
			await queueWebhook(tx, {
				id: eventId,
				type: decision === "approve" ? "payment.succeeded" : "payment.failed",
				created: Math.floor(nowMs / 1000),
				data: {
					reference,
					paymentId: row.paymentId,
					orderId: row.orderId,
					amount: Number(row.amount),
					currency: row.currency,
					...(decision === "decline" ? { failureReason: "declined by the shopper" } : {}),
				},
			});
			return row;
		});
		const session = decided ?? (await this.session(reference));
		// Back to the shop at once, as a real gateway redirects: its webhook follows on the bus, and
		// the shop's return page asks the gateway meanwhile (payment confirm).
		const url = new URL(session.returnUrl);
		url.searchParams.set("sandbox_status", session.status);
		url.searchParams.set("reference", reference);
		return { location: url.toString() };
	}

	private expired(s: SessionRow): boolean {
		return s.expiresAt !== null && Date.parse(s.expiresAt) <= this.now();
	}

	/** The session, for the shopper who owns its order only: anyone else gets the same 404 as a made-up reference. */
	private async ownSession(reference: string, viewer: string): Promise<SessionRow> {
		const s = await this.session(reference);
		const owner = viewer === "" ? null : await this.o.ownerOf(s.orderId);
		if (owner === null || owner !== viewer) throw new NotFoundError("The sandbox payment");
		return s;
	}

	private async session(reference: string): Promise<SessionRow> {
		if (!SandboxReference.safeParse(reference).success) throw new NotFoundError("The sandbox payment");
		const [row] = await this.o.database.db.all<SessionRow>(
			sql`SELECT ${SESSION_COLUMNS} FROM sandbox_sessions WHERE reference = ${reference}`,
		);
		if (!row) throw new NotFoundError("The sandbox payment");
		return row;
	}
}

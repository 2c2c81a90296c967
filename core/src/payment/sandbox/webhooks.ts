import type { SandboxWebhookBody } from "@bazaar/contracts/payment";
import type { Bus, SubscribeOptions } from "../../bus";
import { emit } from "../../bus/emit";
import type { TxDb } from "../../lib/db";
import { outgoingHeaders } from "../../observability/propagation";
import { SIGNATURE_HEADER, signPayload } from "./signature";

// The sandbox's webhook sender, like a real gateway's: each event is POSTed, signed, to our
// webhook endpoint until it answers 2xx, with backoff between attempts. It rides the bus: the
// decision and its webhook commit together (the payment database's outbox), and the bus's
// delivery (retries, backoff, a restart losing nothing) is the sender's.

export const SANDBOX_WEBHOOK_TYPE = "sandbox.webhook";
export const SANDBOX_WEBHOOK_GROUP = "sandbox-webhooks";

/** Queues a webhook in the caller's transaction: it goes out if and only if the change committed. */
export async function queueWebhook(tx: TxDb, body: SandboxWebhookBody): Promise<void> {
	await emit(tx, {
		type: SANDBOX_WEBHOOK_TYPE,
		source: "payment",
		key: body.data.reference,
		data: { body: JSON.stringify(body) },
	});
}

export interface WebhookSenderOptions {
	secret: string;
	/** Our webhook endpoint, e.g. http://127.0.0.1:4000/payment/webhooks/sandbox */
	webhookUrl: string;
	fetch?: (url: string, init: RequestInit) => Promise<Response>;
	/** Clock in ms (signatures use its seconds). */
	now?: () => number;
}

export function subscribeSandboxWebhooks(bus: Bus, options: WebhookSenderOptions, tuning: SubscribeOptions = {}): void {
	const send = options.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
	const now = options.now ?? Date.now;
	bus.subscribe(
		SANDBOX_WEBHOOK_GROUP,
		[SANDBOX_WEBHOOK_TYPE],
		async (event) => {
			const body = String((event.data as { body?: unknown }).body ?? "");
			const res = await send(options.webhookUrl, {
				method: "POST",
				headers: {
					// The webhook continues the request (and trace) that decided the payment.
					...outgoingHeaders(),
					"content-type": "application/json",
					[SIGNATURE_HEADER]: signPayload(options.secret, body, Math.floor(now() / 1000)),
				},
				body,
				signal: AbortSignal.timeout(10_000),
			});
			await res.arrayBuffer().catch(() => undefined);
			if (!res.ok) throw new Error(`${options.webhookUrl} answered ${res.status}`);
		},
		// A gateway keeps trying for a long while; so does the sandbox.
		{ maxDeliveries: 100, backoffMs: 200, maxBackoffMs: 60_000, ...tuning },
	);
}

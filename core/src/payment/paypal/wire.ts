import { z } from "zod";

// The shapes of PayPal's REST answers that we read (Orders v2, Payments v2, Webhooks v1), as
// PayPal documents them. Loose objects: PayPal adds fields, and we keep only what we use.

const Amount = z.object({ currency_code: z.string().regex(/^[A-Z]{3}$/), value: z.string().regex(/^\d+(\.\d+)?$/) });

export const Link = z.looseObject({ href: z.string(), rel: z.string(), method: z.string().optional() });
export type Link = z.infer<typeof Link>;

export const TokenAnswer = z.looseObject({
	access_token: z.string().min(1),
	token_type: z.string(),
	/** Seconds. */
	expires_in: z.number().int().positive(),
});

export const CaptureStatus = z.enum(["COMPLETED", "DECLINED", "PARTIALLY_REFUNDED", "PENDING", "REFUNDED", "FAILED"]);

export const Capture = z.looseObject({
	id: z.string().min(1),
	status: CaptureStatus,
	status_details: z.looseObject({ reason: z.string().optional() }).optional(),
	amount: Amount.optional(),
	custom_id: z.string().optional(),
	invoice_id: z.string().optional(),
	supplementary_data: z
		.looseObject({ related_ids: z.looseObject({ order_id: z.string().optional() }).optional() })
		.optional(),
	create_time: z.string().optional(),
	update_time: z.string().optional(),
	links: z.array(Link).optional(),
});
export type Capture = z.infer<typeof Capture>;

export const Refund = z.looseObject({
	id: z.string().min(1),
	status: z.enum(["CANCELLED", "FAILED", "PENDING", "COMPLETED"]),
	amount: Amount.optional(),
	custom_id: z.string().optional(),
	invoice_id: z.string().optional(),
	seller_payable_breakdown: z.looseObject({ total_refunded_amount: Amount.optional() }).optional(),
	create_time: z.string().optional(),
	links: z.array(Link).optional(),
});
export type Refund = z.infer<typeof Refund>;

export const OrderStatus = z.enum(["CREATED", "SAVED", "APPROVED", "VOIDED", "COMPLETED", "PAYER_ACTION_REQUIRED"]);

export const Order = z.looseObject({
	id: z.string().min(1),
	status: OrderStatus,
	intent: z.string().optional(),
	purchase_units: z
		.array(
			z.looseObject({
				reference_id: z.string().optional(),
				custom_id: z.string().optional(),
				invoice_id: z.string().optional(),
				amount: Amount.optional(),
				payments: z
					.looseObject({ captures: z.array(Capture).optional(), refunds: z.array(Refund).optional() })
					.optional(),
			}),
		)
		.optional(),
	links: z.array(Link).optional(),
	create_time: z.string().optional(),
	update_time: z.string().optional(),
});
export type Order = z.infer<typeof Order>;

/** PayPal's error body (the OAuth endpoint answers {error, error_description} instead). */
export const ErrorAnswer = z.looseObject({
	name: z.string().optional(),
	message: z.string().optional(),
	debug_id: z.string().optional(),
	details: z.array(z.looseObject({ issue: z.string().optional(), description: z.string().optional() })).optional(),
	error: z.string().optional(),
});
export type ErrorAnswer = z.infer<typeof ErrorAnswer>;

export const VerifyAnswer = z.looseObject({ verification_status: z.enum(["SUCCESS", "FAILURE"]) });

export const WebhookEventBody = z.looseObject({
	id: z.string().min(1).max(200),
	event_type: z.string().min(1).max(100),
	create_time: z.iso.datetime({ offset: true }),
	resource_type: z.string().optional(),
	resource: z.record(z.string(), z.unknown()),
});
export type WebhookEventBody = z.infer<typeof WebhookEventBody>;

/** The transmission headers PayPal signs each delivery with (patterns from verify_webhook_signature). */
export const TransmissionHeaders = z.object({
	auth_algo: z
		.string()
		.max(100)
		.regex(/^[a-zA-Z0-9]+$/),
	cert_url: z.url({ protocol: /^https$/ }).max(500),
	transmission_id: z
		.string()
		.max(50)
		.regex(/^(?!\d+$)\w+\S+$/),
	/** Base64 of PayPal's RSA signature. */
	transmission_sig: z
		.string()
		.max(1000)
		.regex(/^[A-Za-z0-9+/=_-]+$/),
	transmission_time: z.iso.datetime({ offset: true }).max(100),
});
export type TransmissionHeaders = z.infer<typeof TransmissionHeaders>;

export const linkHref = (links: Link[] | undefined, ...rels: string[]) =>
	rels.map((rel) => links?.find((l) => l.rel === rel)?.href).find((h) => h !== undefined);

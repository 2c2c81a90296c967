import { ServiceError } from "../../lib/errors";
import { IgnoredWebhook as GatewayIgnoredWebhook } from "../gateway";
import type { ErrorAnswer } from "./wire";

// What goes wrong talking to PayPal. Messages carry PayPal's error name, issue and debug_id (what
// PayPal support asks for) and never a credential, a token or a request body.

/** PayPal answered with an error, or with something we cannot read. We answer 502. */
export class PayPalApiError extends ServiceError {
	constructor(
		readonly operation: string,
		readonly paypalStatus: number,
		readonly answer: ErrorAnswer = {},
	) {
		const issue = answer.details?.[0]?.issue;
		const what = [answer.name ?? answer.error, issue].filter(Boolean).join(" / ") || "an unreadable answer";
		const debug = answer.debug_id ? ` (debug_id ${answer.debug_id})` : "";
		super(502, `PayPal refused ${operation}: ${paypalStatus} ${what}${debug}.`);
	}

	/** The first issue code PayPal names, e.g. ORDER_ALREADY_CAPTURED. */
	get issue(): string | undefined {
		return this.answer.details?.[0]?.issue;
	}
}

/** PayPal could not be reached or did not answer in time. */
export class PayPalUnavailableError extends ServiceError {
	constructor(operation: string, reason: string) {
		super(502, `PayPal could not be reached for ${operation} (${reason}).`);
	}
}

/**
 * A genuine (verified) PayPal webhook about something we do not act on: an event type we do not
 * map, or an approval whose capture is still pending. Nothing is applied; the webhook route
 * answers 200 "ignored" so PayPal stops re-sending it.
 */
export class IgnoredWebhook extends GatewayIgnoredWebhook {
	constructor(
		readonly eventId: string,
		readonly eventType: string,
		readonly reason: string,
	) {
		super(`The PayPal event ${eventType} was received and ignored: ${reason}.`);
	}
}

import { CARRIER_SIGNATURE_HEADER, CARRIER_SIGNATURE_TOLERANCE_SECONDS } from "@bazaar/contracts/fulfillment";
import { signTimestamped, type VerifyResult, verifyTimestamped } from "../lib/timestamped-signature";

// Carriers sign their webhooks the way the sandbox gateway (and Stripe) do
// (lib/timestamped-signature.ts), in `carrier-signature`, with CARRIER_WEBHOOK_SECRET.

export const signCarrierPayload = signTimestamped;

export function verifyCarrierPayload(
	secret: string,
	body: string,
	header: string | null,
	nowSeconds: number,
): VerifyResult {
	return verifyTimestamped(secret, body, header, {
		nowSeconds,
		toleranceSeconds: CARRIER_SIGNATURE_TOLERANCE_SECONDS,
		headerName: CARRIER_SIGNATURE_HEADER,
	});
}

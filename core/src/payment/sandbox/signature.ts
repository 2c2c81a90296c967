import { signTimestamped, type VerifyResult, verifyTimestamped } from "../../lib/timestamped-signature";

// The sandbox signs its webhooks the way Stripe does (lib/timestamped-signature.ts), in its own
// header.

export const SIGNATURE_HEADER = "sandbox-signature";
export const TOLERANCE_SECONDS = 300;

export const signPayload = signTimestamped;

export function verifyPayload(secret: string, body: string, header: string | null, nowSeconds: number): VerifyResult {
	return verifyTimestamped(secret, body, header, {
		nowSeconds,
		toleranceSeconds: TOLERANCE_SECONDS,
		headerName: SIGNATURE_HEADER,
	});
}

import { createHmac } from "node:crypto";
import type { BazaarEnv } from "../config";

// Each trust domain signs with its own key: the edge (BAZAAR_SIGNING_SECRET), the sandbox
// gateway (SANDBOX_WEBHOOK_SECRET), carriers (CARRIER_WEBHOOK_SECRET). One leaked key then
// forges one kind of message, not three. Deriving the webhook keys from the signing secret is a
// development convenience (a local stack or a test needs nothing set); in production a key that
// is not set is null, and the module that needs it decides: refuse to start, or stay off.

/** The webhook key from its variable; outside production, derived from the signing secret when unset. */
export function webhookSecret(
	value: string | undefined,
	o: { env: BazaarEnv; signingSecret: string; purpose: string },
): string | null {
	if (value !== undefined) return value;
	if (o.env === "production") return null;
	return createHmac("sha256", o.signingSecret).update(o.purpose).digest("hex");
}

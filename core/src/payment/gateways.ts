import type { GatewayInfo } from "@bazaar/contracts/payment";
import type { PaymentGateway } from "./gateway";
import type { PayPalConfig } from "./paypal/config";
import { PayPalGateway } from "./paypal/gateway";
import type { StripeConfig } from "./stripe/config";
import { StripeGateway } from "./stripe/gateway";

// The real gateways switched on by env (payment/config.ts): Stripe in each enabled flow, PayPal.
// The sandbox is built by the module itself, only where PAYMENT_SANDBOX=on (then it is the default).

export function realGateways(config: { stripe: StripeConfig | null; paypal: PayPalConfig | null }): PaymentGateway[] {
	const out: PaymentGateway[] = [];
	const stripe = config.stripe;
	if (stripe) {
		for (const flow of stripe.flows) {
			out.push(
				new StripeGateway({
					secretKey: stripe.secretKey,
					webhookSecret: stripe.webhookSecret,
					publishableKey: stripe.publishableKey,
					flow,
					...(stripe.api ? { api: stripe.api } : {}),
				}),
			);
		}
	}
	if (config.paypal) out.push(new PayPalGateway(config.paypal));
	return out;
}

/** A gateway that does not describe itself is offered as a plain redirect under its name. */
export function describeGateway(g: PaymentGateway): GatewayInfo {
	return g.describe?.() ?? { name: g.name, label: g.name, flow: "redirect", publishableKey: null, origins: [] };
}

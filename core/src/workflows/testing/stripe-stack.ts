import { type FakeStripe, startFakeStripe } from "../../payment/stripe/testing/fake-stripe";
import type { CoreOptions } from "../compose";
import { type Stack, stack } from "./stack";

/**
 * The composed core with Stripe configured against the local fake (the real SDK talks to it), and
 * the fake's webhooks pointed at the core's endpoint. `flows`: STRIPE_FLOWS; `env` adds to or
 * overrides the rest (a test's own sandbox settings, say).
 */
export async function stripeStack(
	name: string,
	{
		flows = "checkout,elements",
		env = {},
		options = {},
	}: { flows?: string; env?: Record<string, string>; options?: CoreOptions } = {},
): Promise<{ s: Stack; fake: FakeStripe }> {
	const webhookSecret = `whsec_${name}_test`;
	const fake = startFakeStripe({ webhookSecret });
	const s = await stack(
		{
			STRIPE_SECRET_KEY: `sk_test_${name}`,
			STRIPE_PUBLISHABLE_KEY: `pk_test_${name}`,
			STRIPE_WEBHOOK_SECRET: webhookSecret,
			STRIPE_FLOWS: flows,
			STRIPE_API_URL: fake.url,
			...env,
		},
		options,
	);
	fake.webhookUrl = `${s.base}/payment/webhooks/stripe`;
	return { s, fake };
}

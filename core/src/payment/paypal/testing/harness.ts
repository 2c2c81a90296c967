import { join } from "node:path";
import { Hono } from "hono";
import { onError } from "../../../lib/http";
import { tempDir } from "../../../testing/harness";
import { rows } from "../../../testing/sql";
import { openPayments, type PaymentModule } from "../../module";
import { paymentPublicRoutes } from "../../routes";
import { PayPalGateway, type PayPalGatewayOptions } from "../gateway";
import { type FakeEvent, FakePayPal, type FakePayPalOptions } from "./fake-paypal";

// PayPal tests on real parts: the fake PayPal over HTTP, our gateway pointed at it, a real payment
// module on a temporary libSQL file, and its public webhook route on a real HTTP server, so every
// webhook travels as PayPal's would (signed headers, raw body).

export interface PayPalHarness {
	fake: FakePayPal;
	gateway: PayPalGateway;
	payments: PaymentModule;
	webhookUrl: string;
	/** Delivers a PayPal event to our webhook route; answers the HTTP status and JSON body. */
	deliver(event: FakeEvent): Promise<{ status: number; body: { outcome?: string; status?: string | null } }>;
	/** Our bus events so far (type and data). */
	outbox(): Promise<{ type: string; data: Record<string, unknown> }[]>;
	close(): Promise<void>;
}

export async function paypalHarness(
	options: { fake?: FakePayPalOptions; gateway?: Partial<PayPalGatewayOptions> } = {},
): Promise<PayPalHarness> {
	const fake = new FakePayPal(options.fake);
	const gateway = new PayPalGateway({
		apiUrl: fake.url,
		clientId: fake.clientId,
		clientSecret: fake.clientSecret,
		webhookId: fake.webhookId,
		...options.gateway,
	});
	const dir = tempDir("bazaar-paypal-");
	const payments = await openPayments({ url: `file:${join(dir, "payment.db")}`, gateways: () => [gateway] });
	const app = new Hono();
	app.route("/payment", paymentPublicRoutes(payments));
	app.onError(onError);
	const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => app.fetch(req) });
	const webhookUrl = `http://127.0.0.1:${server.port}/payment/webhooks/paypal`;
	return {
		fake,
		gateway,
		payments,
		webhookUrl,
		async deliver(event) {
			const res = await fake.deliver(event, webhookUrl);
			return { status: res.status, body: await res.json() };
		},
		async outbox() {
			const found = await rows(payments.context.database, "SELECT type, payload FROM bus_outbox ORDER BY seq");
			return found.map((r) => ({ type: String(r.type), data: JSON.parse(String(r.payload)).data }));
		},
		async close() {
			await payments.stop();
			server.stop(true);
			fake.stop();
		},
	};
}

import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { PaymentGateway } from "../payment/gateway";
import { gatewayDuration, gatewayErrors } from "./metrics";
import { tracer } from "./tracing";

// Every call the core makes to a payment gateway (Stripe, PayPal, the sandbox) goes through this
// wrapper, applied once where the payment module registers its gateways: timed and counted per
// gateway and operation, and a client span in the caller's trace. Webhook parsing is not a call
// (it verifies bytes already received) and is left alone.

const CALLS = new Set<string>(["createPayment", "getStatus", "refund", "confirmReturn"]);

export function observeGateway<G extends PaymentGateway>(gateway: G): G {
	return new Proxy(gateway, {
		get(target, prop, receiver) {
			const value = Reflect.get(target, prop, receiver);
			if (typeof prop !== "string" || !CALLS.has(prop) || typeof value !== "function") return value;
			const operation = prop;
			return (...args: unknown[]) => timed(target.name, operation, () => value.apply(target, args));
		},
	});
}

function timed<T>(name: string, operation: string, call: () => Promise<T>): Promise<T> {
	return tracer().startActiveSpan(
		`gateway ${name} ${operation}`,
		{ kind: SpanKind.CLIENT, attributes: { "bazaar.gateway": name, "bazaar.gateway.operation": operation } },
		async (span) => {
			const started = performance.now();
			try {
				const result = await call();
				gatewayDuration.observe({ gateway: name, operation, outcome: "ok" }, (performance.now() - started) / 1000);
				return result;
			} catch (err) {
				gatewayDuration.observe({ gateway: name, operation, outcome: "error" }, (performance.now() - started) / 1000);
				gatewayErrors.inc({ gateway: name, operation });
				span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : "error" });
				throw err;
			} finally {
				span.end();
			}
		},
	);
}

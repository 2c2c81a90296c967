import { app } from "./app";
import { memoryHit } from "./cache/respond";
import { withRegionalCore } from "./lib/core-url";
import { requestContextOf, withRequestContext, withRequestId } from "./lib/request-context";
import { withSecurityHeaders } from "./lib/security-headers";

// The Worker: the Hono app for every HTTP request, plus the Durable Object classes that
// wrangler.toml binds (partyserver rooms live in realtime/ and run in this same Worker).
export { EchoRoom, SupportLobby } from "@bazaar/realtime";
export { SupportRoom } from "./chat/support-room";
export { FlashCoordinator } from "./flash/coordinator";
export { FlashShard } from "./flash/shard";

export default {
	// A catalog read already in isolate memory is answered before the router runs. Every answer
	// leaves with the security headers (HSTS, and CSP + Referrer-Policy on HTML). The request's
	// core (CORE_URLS by continent, else CORE_URL) is chosen here, once, for everything it calls.
	// Every request runs with its request id and trace context, which calls to the core carry.
	fetch(request, workerEnv, ctx) {
		const env = withRegionalCore(workerEnv, request);
		const context = requestContextOf(request);
		return withRequestContext(context, () => {
			const hit = memoryHit(request, env, ctx);
			if (hit) return withRequestId(withSecurityHeaders(request, hit), context.requestId);
			return Promise.resolve(app.fetch(request, env, ctx)).then((res) =>
				withRequestId(withSecurityHeaders(request, res), context.requestId),
			);
		});
	},
} satisfies ExportedHandler<Env>;

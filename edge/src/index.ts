import { app } from "./app";
import { memoryHit } from "./cache/respond";
import { withSecurityHeaders } from "./lib/security-headers";

// The Worker: the Hono app for every HTTP request, plus the Durable Object classes that
// wrangler.toml binds (partyserver rooms live in realtime/ and run in this same Worker).
export { EchoRoom } from "@bazaar/realtime";
export { FlashCoordinator } from "./flash/coordinator";
export { FlashShard } from "./flash/shard";

export default {
	// A catalog read already in isolate memory is answered before the router runs. Every answer
	// leaves with the security headers (HSTS, and CSP + Referrer-Policy on HTML).
	fetch(request, env, ctx) {
		const hit = memoryHit(request, env, ctx);
		if (hit) return withSecurityHeaders(request, hit);
		return Promise.resolve(app.fetch(request, env, ctx)).then((res) => withSecurityHeaders(request, res));
	},
} satisfies ExportedHandler<Env>;

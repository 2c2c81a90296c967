import { app } from "./app";
import { memoryHit } from "./cache/respond";

// The Worker: the Hono app for every HTTP request, plus the Durable Object classes that
// wrangler.toml binds (partyserver rooms live in realtime/ and run in this same Worker).
export { EchoRoom } from "@bazaar/realtime";

export default {
	// A catalog read already in isolate memory is answered before the router runs.
	fetch: (request, env, ctx) => memoryHit(request, env, ctx) ?? app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;

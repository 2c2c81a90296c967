import { app } from "./app";

// The Worker: the Hono app for every HTTP request, plus the Durable Object classes that
// wrangler.toml binds (partyserver rooms live in realtime/ and run in this same Worker).
export { EchoRoom } from "@bazaar/realtime";

export default {
	fetch: app.fetch,
} satisfies ExportedHandler<Env>;

// A minimal Worker that binds the rooms the way the edge Worker does, so the realtime
// suite tests the rooms without depending on the whole storefront.
import { routePartykitRequest } from "partyserver";

export { EchoRoom } from "../src/index.ts";

export default {
	async fetch(request: Request, env: Cloudflare.Env): Promise<Response> {
		return (await routePartykitRequest(request, env)) ?? new Response("Not Found", { status: 404 });
	},
} satisfies ExportedHandler<Cloudflare.Env>;

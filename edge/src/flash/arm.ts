import { FlashItem } from "@bazaar/contracts/flash";
import { apiProblem } from "../lib/problems";
import { configOf } from "./config";
import { coordinatorOf, remember } from "./items";

/**
 * The core has armed an item (its quota held in the inventory): now its coordinator spreads it
 * over the shards. Both steps are idempotent, so an admin who sees a 503 here simply arms again.
 */
export async function armShards(env: Env, coreBody: string, headers: Headers): Promise<Response> {
	const item = FlashItem.parse(JSON.parse(coreBody));
	const config = configOf(item);
	try {
		const status = await coordinatorOf(env, item.id).arm(config);
		await remember(env, config);
		return new Response(JSON.stringify({ ...item, shardsArmed: status }), { status: 200, headers });
	} catch (err) {
		console.error(`[flash] arming the shards of ${item.id} failed:`, String(err));
		return apiProblem(503, "The item is armed in the core but its shards are not ready yet; arm it again.");
	}
}

import { DurableObject } from "cloudflare:workers";
import { ulid } from "@bazaar/ids";
import { type FlashItemConfig, shardName, shardOf } from "../../edge/src/flash/config";
import { FlashCoordinator } from "../../edge/src/flash/coordinator";
import { FlashShard } from "../../edge/src/flash/shard";

// The flash bench's Worker (bench/flash.mjs): the real FlashShard and FlashCoordinator classes of
// the edge, beside a bare Durable Object counter (one SQLite UPDATE per request: the floor), in the
// same workerd, driven on Miniflare's direct socket (no `wrangler dev` proxy). Items are armed with
// the `hold` test hook, so the shards do not send their reservations to a core: (a) measures the
// shards alone. Never deployed: it exists only in this folder's wrangler.toml.

export { FlashCoordinator, FlashShard };

export class BareCounter extends DurableObject<Env> {
	private readonly sql: SqlStorage;
	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		this.sql.exec(
			"CREATE TABLE IF NOT EXISTS c (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT OR IGNORE INTO c VALUES (1, 0)",
		);
	}
	hit(): number {
		this.sql.exec("UPDATE c SET n = n + 1 WHERE id = 1");
		return this.sql.exec<{ n: number }>("SELECT n FROM c WHERE id = 1").one().n;
	}
}

interface BenchEnv extends Env {
	BARE_COUNTER: DurableObjectNamespace<BareCounter>;
}

export default {
	async fetch(request: Request, env: BenchEnv): Promise<Response> {
		const url = new URL(request.url);
		if (url.pathname === "/healthz") return Response.json({ ok: true });
		if (url.pathname === "/counter") {
			const n = await env.BARE_COUNTER.get(env.BARE_COUNTER.idFromName("bare")).hit();
			return Response.json({ n });
		}
		const item = url.searchParams.get("item") ?? "";
		const shards = Number(url.searchParams.get("shards") ?? "1");
		if (url.pathname === "/arm") {
			const config: FlashItemConfig = {
				itemId: item,
				title: "bench item",
				regularPrice: null,
				shards,
				quota: Number(url.searchParams.get("quota") ?? "1000000000"),
				perShopperLimit: 100,
				flashPrice: 1_000,
				currency: "USD",
				startsAt: Date.now() - 60_000,
				endsAt: Date.now() + 24 * 3_600_000,
				hold: true,
			};
			const coordinator = env.FLASH_COORDINATOR.get(env.FLASH_COORDINATOR.idFromName(item));
			return Response.json(await coordinator.arm(config));
		}
		if (url.pathname === "/buy") {
			const shopper = `usr_${ulid()}`;
			const shard = env.FLASH_SHARD.get(env.FLASH_SHARD.idFromName(shardName(item, shardOf(shopper, shards))));
			const outcome = await shard.buy(shopper, 1);
			return Response.json(outcome, { status: outcome.kind === "reserved" ? 200 : 409 });
		}
		if (url.pathname === "/audit") {
			const coordinator = env.FLASH_COORDINATOR.get(env.FLASH_COORDINATOR.idFromName(item));
			return Response.json(await coordinator.audit());
		}
		return new Response("not found", { status: 404 });
	},
} satisfies ExportedHandler<BenchEnv>;

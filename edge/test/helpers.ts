import { env, exports } from "cloudflare:workers";
import { CoreClient } from "@bazaar/client";
import type { CatalogEvent } from "@bazaar/contracts";
import { sign } from "@bazaar/signature";

export const ORIGIN = "https://shop.example";

/** A request through the Worker's real fetch handler (routing, middleware, bindings, waitUntil). */
export function edge(path: string, init?: RequestInit): Promise<Response> {
	return exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
}

export async function edgeJson<T = unknown>(path: string, init?: RequestInit): Promise<{ res: Response; body: T }> {
	const res = await edge(path, init);
	return { res, body: (await res.json()) as T };
}

/** A client for the real core the global setup started, signed with this run's secret. */
export function core(): CoreClient {
	return new CoreClient({ baseUrl: env.CORE_URL, secret: env.BAZAAR_SIGNING_SECRET });
}

export function adminHeaders(token = env.ADMIN_TOKEN): Record<string, string> {
	return { authorization: `Bearer ${token}`, "content-type": "application/json" };
}

/** What the core's outbox relay sends after a write: a signed CatalogEventBatch. */
export async function pushCatalogEvents(
	events: Partial<CatalogEvent>[],
	opts: { secret?: string; roles?: string[]; tamper?: boolean } = {},
): Promise<Response> {
	const body = JSON.stringify({
		events: events.map((e, i) => ({
			id: `evt_${Date.now()}_${i}`,
			type: "catalog.variant.updated",
			occurredAt: new Date().toISOString(),
			version: 1,
			data: {},
			...e,
		})),
	});
	const headers = await sign({
		secret: opts.secret ?? env.BAZAAR_SIGNING_SECRET,
		method: "POST",
		path: "/internal/catalog-events",
		body,
		caller: { user: "core", roles: opts.roles ?? ["service"] },
	});
	return edge("/internal/catalog-events", {
		method: "POST",
		headers: { ...headers, "content-type": "application/json" },
		body: opts.tamper ? body.replace('"version":', '"version":1') : body,
	});
}

/** Tells the edge about the core's current catalog version, as the core's push would. */
export async function syncVersion(): Promise<number> {
	const version = await core().catalogVersion();
	const res = await pushCatalogEvents([{ version }]);
	if (res.status !== 200) throw new Error(`event push failed: ${res.status} ${await res.text()}`);
	return version;
}

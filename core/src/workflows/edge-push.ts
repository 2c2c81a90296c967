import { type CatalogEvent, CatalogEventType } from "@bazaar/contracts";
import { type Caller, sign } from "@bazaar/signature";
import { z } from "zod";
import type { Bus, EventEnvelope, SubscribeOptions } from "../bus";
import { outgoingHeaders } from "../observability/propagation";

// catalog.* events from the bus → the edge's POST /internal/catalog-events, signed like every
// core ↔ edge call. The edge keys its caches on the catalog version and keeps the highest it was
// told, so an event whose version the edge already has is acknowledged without a call (a seed's
// thousands of events share one version: one call). A refused or failed call throws, and the bus
// retries it with backoff; an edge away for long only delays the version, it loses no change.

export const EDGE_PUSH_GROUP = "edge-catalog";

export interface EdgePushTarget {
	/** The storefront's origin (EDGE_URL). */
	url: string;
	secret: string;
	fetch?: (url: string, init: RequestInit) => Promise<Response>;
	timeoutMs?: number;
}

const CORE: Caller = { user: "core", roles: ["service"] };
/** What the catalog puts on the bus: the edge's event data plus the version it made. */
const CatalogBusData = z.looseObject({ version: z.number().int() });
const EdgeAnswer = z.object({ version: z.number().int() });

export function subscribeEdgePush(bus: Bus, target: EdgePushTarget, tuning: SubscribeOptions = {}): void {
	const url = new URL("/internal/catalog-events", target.url);
	const path = url.pathname;
	const send = target.fetch ?? ((u: string, init: RequestInit) => fetch(u, init));
	let acknowledged = -1;
	bus.subscribe(
		EDGE_PUSH_GROUP,
		["catalog.*"],
		async (event) => {
			const pushed = catalogEventOf(event);
			if (pushed.version <= acknowledged) return;
			const body = JSON.stringify({ events: [pushed] });
			const headers = { "content-type": "application/json" };
			const signed = await sign({ secret: target.secret, method: "POST", path, body, headers, caller: CORE });
			const res = await send(url.toString(), {
				method: "POST",
				headers: { ...outgoingHeaders(), ...headers, ...signed },
				body,
				signal: AbortSignal.timeout(target.timeoutMs ?? 5_000),
			});
			const text = await res.text().catch(() => "");
			if (!res.ok) throw new Error(`${url} answered ${res.status}`);
			const answer = EdgeAnswer.safeParse(safeJson(text));
			acknowledged = Math.max(acknowledged, answer.success ? answer.data.version : pushed.version);
		},
		// An edge that is down for a while must not send catalog changes to the dead letters.
		{ maxDeliveries: 100, maxBackoffMs: 30_000, ...tuning },
	);
}

/** A catalog event as the bus carries it → as the edge's contract has it (the version on top). */
export function catalogEventOf(event: EventEnvelope): CatalogEvent {
	const { version, ...data } = CatalogBusData.parse(event.data);
	return { id: event.id, type: CatalogEventType.parse(event.type), occurredAt: event.occurredAt, version, data };
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}

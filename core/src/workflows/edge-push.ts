import { type CatalogEvent, CatalogEventType } from "@bazaar/contracts";
import { type Caller, sign } from "@bazaar/signature";
import { z } from "zod";
import type { Bus, EventEnvelope, SubscribeOptions } from "../bus";
import { outgoingHeaders } from "../observability/propagation";

// catalog.* (and promotion.*) events from the bus → the edge's POST /internal/catalog-events
// (/internal/promotion-events), signed like every
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
	const push = signedPush(target, "/internal/catalog-events");
	let acknowledged = -1;
	bus.subscribe(
		EDGE_PUSH_GROUP,
		["catalog.*"],
		async (event) => {
			const pushed = catalogEventOf(event);
			if (pushed.version <= acknowledged) return;
			const answer = await push({ events: [pushed] });
			acknowledged = Math.max(acknowledged, answer ?? pushed.version);
		},
		// An edge that is down for a while must not send catalog changes to the dead letters.
		{ maxDeliveries: 100, maxBackoffMs: 30_000, ...tuning },
	);
}

export const EDGE_PROMOTION_PUSH_GROUP = "edge-promotions";
const PromotionBusData = z.looseObject({ version: z.number().int() });
/** Redemptions change no page: only what admins change is pushed. */
const NOT_SHOWN = new Set(["promotion.coupon.redeemed", "promotion.coupon.released"]);

/**
 * promotion.* admin changes → the edge's POST /internal/promotion-events {version}: the edge
 * reads the new snapshot once and its pages follow (their keys carry the version). Like the
 * catalog's: a version the edge already has is acknowledged without a call.
 */
export function subscribeEdgePromotionPush(bus: Bus, target: EdgePushTarget, tuning: SubscribeOptions = {}): void {
	const push = signedPush(target, "/internal/promotion-events");
	let acknowledged = -1;
	bus.subscribe(
		EDGE_PROMOTION_PUSH_GROUP,
		["promotion.*"],
		async (event) => {
			if (NOT_SHOWN.has(event.type)) return;
			const { version } = PromotionBusData.parse(event.data);
			if (version <= acknowledged) return;
			const answer = await push({ version });
			acknowledged = Math.max(acknowledged, answer ?? version);
		},
		{ maxDeliveries: 100, maxBackoffMs: 30_000, ...tuning },
	);
}

/** POSTs a body to the edge, signed as the core; the version the edge answers (null if none). Throws unless 2xx. */
function signedPush(target: EdgePushTarget, pathname: string) {
	const url = new URL(pathname, target.url);
	const path = url.pathname;
	const send = target.fetch ?? ((u: string, init: RequestInit) => fetch(u, init));
	return async (payload: unknown): Promise<number | null> => {
		const body = JSON.stringify(payload);
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
		return answer.success ? answer.data.version : null;
	};
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

import { problemResponse, zodProblem } from "@bazaar/contracts";
import { FlashBuyRequest, FlashPayAnswer, FlashReservationStatus, flashOrderId } from "@bazaar/contracts/flash";
import { openFlashReservationToken } from "@bazaar/signature/flash";
import { Hono } from "hono";
import type { AppContext, AppEnv } from "../env";
import { type BuyOutcome, shardName, shardOf } from "../flash/config";
import { coordinatorOf, isSoldOut, itemConfig, markSoldOut } from "../flash/items";
import { type CoreAnswer, callCore, callerOf } from "../lib/core-call";
import { apiProblem } from "../lib/problems";
import { apiWriteGuard } from "../middleware/api-write";
import { apiBodyLimit } from "../middleware/body";
import { loadSession } from "../session/middleware";
import type { ActiveSession } from "../session/store";

// Flash-sale buying (DESIGN.md, data flow 4), for the browser (session cookie) and API clients:
// POST /api/flash/:item/buy, GET /api/flash/:item (terms and whether it is sold out),
// GET /api/flash/reservations/:token and POST /api/flash/reservations/:token/pay.
// A buy is answered by the shopper's shard at once (201 with a reservation token); the order
// appears a moment later, when the shard's batch has reached the core.

export const SOLD_OUT_TYPE = "https://bazaar.dev/problems/sold-out";

export const apiFlash = new Hono<AppEnv>();
apiFlash.use("*", apiBodyLimit(4 * 1024));
apiFlash.use("*", loadSession);
apiFlash.use("*", apiWriteGuard);
apiFlash.use("*", async (c, next) => {
	await next();
	c.res.headers.set("cache-control", "no-store");
});

function shopperOf(c: AppContext): ActiveSession | Response {
	const session = c.get("session");
	if (!session) return apiProblem(401, "Sign in to buy in a flash sale.", {}, { "www-authenticate": "Bearer" });
	if (!session.roles.includes("customer")) return apiProblem(403, "Flash sales are for customer accounts.");
	return session;
}

/** What a buy outcome says to the shopper; `null` for a reservation (answered by the caller). */
export function refusal(outcome: BuyOutcome): Response | null {
	switch (outcome.kind) {
		case "reserved":
			return null;
		case "sold_out":
			return apiProblem(409, "Sold out: every unit of this flash sale has been taken.", { type: SOLD_OUT_TYPE });
		case "limit":
			return apiProblem(422, `You can buy at most ${outcome.limit} of this item in this sale.`);
		case "not_started":
			return apiProblem(409, `This flash sale starts at ${new Date(outcome.startsAt).toISOString()}.`);
		case "ended":
			return apiProblem(410, "This flash sale has ended.");
		case "unknown":
			return apiProblem(404, "There is no such flash sale.");
	}
}

/** The whole buy: window, sold-out flag, rate limit, then the shopper's shard. */
export async function buy(
	c: AppContext,
	session: ActiveSession,
	itemId: string,
	quantity: number,
): Promise<BuyOutcome | Response> {
	const config = await itemConfig(c.env, itemId);
	if (!config) return { kind: "unknown" };
	const now = Date.now();
	if (now < config.startsAt) return { kind: "not_started", startsAt: config.startsAt };
	if (now >= config.endsAt) return { kind: "ended" };
	if (quantity > config.perShopperLimit) return { kind: "limit", limit: config.perShopperLimit };
	if (await isSoldOut(c.env, itemId)) return { kind: "sold_out" };
	const { success } = await c.env.FLASH_BUY_LIMIT.limit({ key: `${itemId}:${session.userId}` });
	if (!success) return apiProblem(429, "Too many attempts; wait a few seconds.", {}, { "retry-after": "10" });
	const index = shardOf(session.userId, config.shards);
	const shard = c.env.FLASH_SHARD.get(c.env.FLASH_SHARD.idFromName(shardName(itemId, index)));
	const outcome = await shard.buy(session.userId, quantity);
	if (outcome.kind === "sold_out") markSoldOut(itemId);
	return outcome;
}

apiFlash.post("/:item/buy", async (c) => {
	const session = shopperOf(c);
	if (session instanceof Response) return session;
	let raw: unknown = {};
	const text = await c.req.text();
	if (text.trim() !== "") {
		try {
			raw = JSON.parse(text);
		} catch {
			return apiProblem(400, "The body is not valid JSON.");
		}
	}
	const body = FlashBuyRequest.safeParse(raw);
	if (!body.success) return problemResponse(zodProblem(body.error, "The buy request is not valid."));
	const outcome = await buy(c, session, c.req.param("item"), body.data.quantity);
	if (outcome instanceof Response) return outcome;
	if (outcome.kind !== "reserved") return refusal(outcome) ?? apiProblem(404, "There is no such flash sale.");
	const config = await itemConfig(c.env, c.req.param("item"));
	return c.json(
		{
			reservationId: outcome.reservationId,
			token: outcome.token,
			orderId: flashOrderId(outcome.reservationId),
			quantity: outcome.quantity,
			unitPrice: outcome.unitPrice,
			currency: config?.currency ?? null,
			status: `/api/flash/reservations/${outcome.token}`,
			pay: `/api/flash/reservations/${outcome.token}/pay`,
		},
		201,
		{ location: `/api/flash/reservations/${outcome.token}` },
	);
});

apiFlash.get("/:item", async (c) => {
	const itemId = c.req.param("item");
	const config = await itemConfig(c.env, itemId);
	if (!config) return apiProblem(404, "There is no such flash sale.");
	const status = await coordinatorOf(c.env, itemId).status();
	return c.json({
		itemId,
		flashPrice: config.flashPrice,
		currency: config.currency,
		quota: config.quota,
		perShopperLimit: config.perShopperLimit,
		startsAt: new Date(config.startsAt).toISOString(),
		endsAt: new Date(config.endsAt).toISOString(),
		soldOut: status.soldOut,
	});
});

/** The reservation a token names for this shopper; a made-up or someone else's token is a 404. */
async function reservationOf(c: AppContext, session: ActiveSession): Promise<string | Response> {
	const id = await openFlashReservationToken(c.env.BAZAAR_SIGNING_SECRET, c.req.param("token") ?? "", session.userId);
	return id ?? apiProblem(404, "There is no such reservation in your account.");
}

function relay(answer: Extract<CoreAnswer<unknown>, { ok: false }>): Response {
	if (answer.status === 404) return apiProblem(404, "There is no such reservation in your account.");
	if (answer.status >= 500) return apiProblem(503, "The shop could not handle that right now. Try again shortly.");
	const { type, title, detail } = answer.problem;
	return apiProblem(answer.status, detail, { type, title });
}

apiFlash.get("/reservations/:token", async (c) => {
	const session = shopperOf(c);
	if (session instanceof Response) return session;
	const id = await reservationOf(c, session);
	if (id instanceof Response) return id;
	const answer = await callCore(
		c.env,
		FlashReservationStatus,
		"GET",
		`/flash/reservations/${id}`,
		callerOf(c, session),
	);
	return answer.ok ? c.json(answer.value) : relay(answer);
});

apiFlash.post("/reservations/:token/pay", async (c) => {
	const session = shopperOf(c);
	if (session instanceof Response) return session;
	const id = await reservationOf(c, session);
	if (id instanceof Response) return id;
	const text = await c.req.text();
	let body: unknown = {};
	try {
		body = text.trim() === "" ? {} : JSON.parse(text);
	} catch {
		return apiProblem(400, "The body is not valid JSON.");
	}
	const answer = await callCore(c.env, FlashPayAnswer, "POST", `/flash/reservations/${id}/pay`, callerOf(c, session), {
		body,
	});
	return answer.ok ? c.json(answer.value) : relay(answer);
});

import {
	FlashBuyAnswer,
	FlashBuyRequest,
	FlashPayAnswer,
	FlashPayRequest,
	FlashReservationStatus,
	FlashSaleInfo,
	flashOrderId,
} from "@bazaar/contracts/flash";
import { openFlashReservationToken } from "@bazaar/signature/flash";
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import type { AppContext, AppEnv } from "../env";
import { type BuyOutcome, shardName, shardOf } from "../flash/config";
import { coordinatorOf, isSoldOut, itemConfig, markSoldOut } from "../flash/items";
import { type CoreAnswer, callCore, callerOf } from "../lib/core-call";
import { apiProblem } from "../lib/problems";
import { apiWriteGuard } from "../middleware/api-write";
import { bufferBody, optionalJsonBody } from "../middleware/body";
import {
	apiRouter,
	body,
	COOKIE_WRITE_RULE,
	coreTrouble,
	csrfProblems,
	json,
	passThrough,
	problem,
	SESSION,
	tooLarge,
} from "../openapi/route-kit";
import { loadSession } from "../session/middleware";
import type { ActiveSession } from "../session/store";

// Flash-sale buying (DESIGN.md, data flow 4), for the browser (session cookie) and API clients:
// POST /api/flash/{item}/buy, GET /api/flash/{item} (terms and whether it is sold out),
// GET /api/flash/reservations/{token} and POST /api/flash/reservations/{token}/pay (its body goes
// to the core as sent). A token that is not the caller's is a 404 like a made-up one.
// A buy is answered by the shopper's shard at once (201 with a reservation token); the order
// appears a moment later, when the shard's batch has reached the core.

export const SOLD_OUT_TYPE = "https://bazaar.dev/problems/sold-out";

export const apiFlash = apiRouter();
apiFlash.use("*", bufferBody(4 * 1024));
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
/** Before anything is read: a customer's session. */
const customerFirst = createMiddleware<AppEnv>(async (c, next) => {
	const session = shopperOf(c);
	if (session instanceof Response) return session;
	await next();
});
const sessionOf = (c: AppContext) => c.get("session") as ActiveSession;

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

// ---- route definitions ---------------------------------------------------------------------------

const itemParams = z.object({
	item: z.string().meta({ param: { description: "Flash-sale item id (`fsi_…`)." }, example: "fsi_EXAMPLE" }),
});
const tokenParams = z.object({
	token: z.string().meta({
		param: { description: "The reservation token from the buy's answer (`fr_….<mac>`)." },
		example: "fr_EXAMPLE.0000",
	}),
});
const noSuchSale = { 404: problem("No armed flash sale has this id.") };
const noSuchReservation = { 404: problem("No such reservation in the customer's account (or a made-up token).") };

/** A customer's: 401/403 before anything is read. */
function customers<R extends RouteConfig>(route: R, write: boolean): R {
	return {
		...route,
		tags: ["flash sales"],
		security: SESSION,
		description: [route.description, write ? COOKIE_WRITE_RULE : undefined].filter(Boolean).join(" ") || undefined,
		middleware: [customerFirst, ...[route.middleware ?? []].flat()],
		responses: {
			401: problem("Not signed in (no session, or it has ended)."),
			...(write
				? {
						...csrfProblems,
						403: problem("Not a customer account, or sent from another site's page without a bearer token."),
						...tooLarge("4 KB"),
					}
				: { 403: problem("Not a customer account.") }),
			...route.responses,
			...coreTrouble,
		},
	};
}

const getFlashSale = createRoute({
	method: "get",
	path: "/{item}",
	tags: ["flash sales"],
	operationId: "getFlashSale",
	summary: "A flash sale's terms and whether it is sold out",
	request: { params: itemParams },
	responses: {
		200: json(FlashSaleInfo, "Price, quota, per-shopper limit, window, sold out."),
		...noSuchSale,
		...coreTrouble,
	},
});

const buyFlashSale = createRoute(
	customers(
		{
			method: "post",
			path: "/{item}/buy",
			operationId: "buyFlashSale",
			summary: "Buy in a flash sale",
			description:
				"Customers only. Answered by the shopper's stock shard at once; the pending order appears a moment later (GET the reservation). The body is optional (`{}` or none buys one).",
			middleware: [optionalJsonBody],
			request: { params: itemParams, body: body(FlashBuyRequest, { quantity: 1 }, false) },
			responses: {
				201: json(FlashBuyAnswer, "Reserved: the token, the order id it becomes, the flash price."),
				400: problem("A body that is not JSON or not `{quantity}`."),
				...noSuchSale,
				409: problem("Not started yet, or sold out (type `https://bazaar.dev/problems/sold-out`)."),
				410: problem("The sale has ended."),
				422: problem("More than the per-shopper limit."),
				429: problem("Too many attempts by this shopper on this item; `Retry-After`."),
			},
		},
		true,
	),
);

const getFlashReservation = createRoute(
	customers(
		{
			method: "get",
			path: "/reservations/{token}",
			operationId: "getFlashReservation",
			summary: "The reservation's order",
			request: { params: tokenParams },
			responses: {
				200: json(FlashReservationStatus, "The order's status (null until the core has it), total, deadline."),
				...noSuchReservation,
			},
		},
		false,
	),
);

const payFlashReservation = customers(
	{
		method: "post",
		path: "/reservations/{token}/pay",
		operationId: "payFlashReservation",
		summary: "Pay the reservation's order",
		description:
			"Starts (or resumes) its payment through the enabled gateway; send the shopper to `redirectUrl`. The body is optional; the core checks it.",
		request: { params: tokenParams, body: body(FlashPayRequest, {}, false) },
		responses: {
			200: json(FlashPayAnswer, "The payment and where the shopper pays."),
			400: problem("A body that is not JSON or not `{gateway?}`."),
			...noSuchReservation,
			409: problem("The order is no longer waiting for payment (paid, expired, cancelled)."),
			422: problem("A gateway that is not enabled."),
		},
	},
	true,
);

// ---- handlers ----------------------------------------------------------------------------------

apiFlash.openapi(buyFlashSale, async (c) => {
	// No body at all (a bearer client need not send one) buys one.
	const { quantity } = c.req.valid("json") ?? FlashBuyRequest.parse({});
	const { item } = c.req.valid("param");
	const outcome = await buy(c, sessionOf(c), item, quantity);
	if (outcome instanceof Response) return outcome;
	if (outcome.kind !== "reserved") return refusal(outcome) ?? apiProblem(404, "There is no such flash sale.");
	const config = await itemConfig(c.env, item);
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

apiFlash.openapi(getFlashSale, async (c) => {
	const itemId = c.req.valid("param").item;
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
async function reservationOf(c: AppContext): Promise<string | Response> {
	const session = sessionOf(c);
	const id = await openFlashReservationToken(c.env.BAZAAR_SIGNING_SECRET, c.req.param("token") ?? "", session.userId);
	return id ?? apiProblem(404, "There is no such reservation in your account.");
}

function relay(answer: Extract<CoreAnswer<unknown>, { ok: false }>): Response {
	if (answer.status === 404) return apiProblem(404, "There is no such reservation in your account.");
	if (answer.status >= 500) return apiProblem(503, "The shop could not handle that right now. Try again shortly.");
	const { type, title, detail } = answer.problem;
	return apiProblem(answer.status, detail, { type, title });
}

apiFlash.openapi(getFlashReservation, async (c) => {
	const id = await reservationOf(c);
	if (id instanceof Response) return id;
	const answer = await callCore(
		c.env,
		FlashReservationStatus,
		"GET",
		`/flash/reservations/${id}`,
		callerOf(c, sessionOf(c)),
	);
	return answer.ok ? c.json(answer.value) : relay(answer);
});

/** The body goes to the core as sent (it checks the gateway); only its JSON syntax is checked here. */
passThrough(apiFlash, payFlashReservation, async (c) => {
	const id = await reservationOf(c);
	if (id instanceof Response) return id;
	const text = await c.req.text();
	let body: unknown = {};
	try {
		body = text.trim() === "" ? {} : JSON.parse(text);
	} catch {
		return apiProblem(400, "The body is not valid JSON.");
	}
	const answer = await callCore(
		c.env,
		FlashPayAnswer,
		"POST",
		`/flash/reservations/${id}/pay`,
		callerOf(c, sessionOf(c)),
		{
			body,
		},
	);
	return answer.ok ? c.json(answer.value) : relay(answer);
});

import { FlashPayAnswer, FlashReservationStatus } from "@bazaar/contracts/flash";
import { formatMoney } from "@bazaar/money";
import { openFlashReservationToken } from "@bazaar/signature/flash";
import { Hono } from "hono";
import { checkoutCore } from "../checkout/core";
import { gatewayFormCsp } from "../checkout/csp";
import type { AppContext, AppEnv } from "../env";
import { coordinatorOf, itemConfig } from "../flash/items";
import { callCore, callerOf } from "../lib/core-call";
import { checkedForm } from "../lib/forms";
import { errorPage, personalPage, seeOther } from "../lib/personal-page";
import { loadSession } from "../session/middleware";
import { FlashItemPage, FlashReservationPage } from "../views/flash-pages";
import { buy, refusal } from "./api-flash";

// The flash sale's pages: the item (price, window, whether units are left, the Buy button), the
// buy form's POST (CSRF-checked; the same buy as the API), and the shopper's reservation with its
// Pay button, which hands the shopper to the gateway like the checkout's review step does.

export const flashPages = new Hono<AppEnv>();
flashPages.use("*", loadSession);

flashPages.get("/:item", async (c) => {
	const itemId = c.req.param("item");
	const config = await itemConfig(c.env, itemId);
	if (!config) return errorPage(c, 404, "There is no such flash sale.");
	const status = await coordinatorOf(c.env, itemId).status();
	const session = c.get("session");
	return personalPage(
		c,
		200,
		<FlashItemPage config={config} soldOut={status.soldOut} now={Date.now()} csrf={session?.csrf ?? null} />,
	);
});

flashPages.post("/:item/buy", async (c) => {
	const session = c.get("session");
	if (!session) return seeOther(c, `/account/login?next=${encodeURIComponent(`/flash/${c.req.param("item")}`)}`);
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const outcome = await buy(c, session, c.req.param("item"), 1);
	if (outcome instanceof Response) return errorPage(c, 429, "Too many attempts; wait a few seconds and try again.");
	if (outcome.kind === "reserved") return seeOther(c, `/flash/reservations/${outcome.token}`);
	const refused = refusal(outcome);
	const problem = refused ? ((await refused.json()) as { status: number; detail: string }) : null;
	return errorPage(c, problem?.status ?? 409, problem?.detail ?? "This buy could not be made.");
});

async function reservationOf(c: AppContext): Promise<string | Response> {
	const session = c.get("session");
	if (!session) return seeOther(c, `/account/login?next=${encodeURIComponent(new URL(c.req.url).pathname)}`);
	const id = await openFlashReservationToken(c.env.BAZAAR_SIGNING_SECRET, c.req.param("token") ?? "", session.userId);
	return id ?? errorPage(c, 404, "There is no such reservation in your account.");
}

flashPages.get("/reservations/:token", async (c) => {
	const id = await reservationOf(c);
	if (id instanceof Response) return id;
	const caller = callerOf(c);
	const [status, gateways] = await Promise.all([
		callCore(c.env, FlashReservationStatus, "GET", `/flash/reservations/${id}`, caller),
		checkoutCore.gateways(c.env, caller),
	]);
	if (!status.ok)
		return errorPage(c, status.status === 404 ? 404 : 503, "The reservation could not be read; try again.");
	const headers: Record<string, string> = gateways.ok
		? { "content-security-policy": gatewayFormCsp(gateways.value) }
		: {};
	return personalPage(
		c,
		200,
		<FlashReservationPage
			token={c.req.param("token")}
			status={status.value}
			total={
				status.value.total !== null && status.value.currency
					? formatMoney({ amount: status.value.total, currency: status.value.currency })
					: null
			}
			csrf={c.get("session")?.csrf ?? ""}
		/>,
		headers,
	);
});

flashPages.post("/reservations/:token/pay", async (c) => {
	const id = await reservationOf(c);
	if (id instanceof Response) return id;
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const answer = await callCore(c.env, FlashPayAnswer, "POST", `/flash/reservations/${id}/pay`, callerOf(c), {
		body: {},
	});
	if (!answer.ok) {
		return errorPage(
			c,
			answer.status >= 500 ? 503 : answer.status,
			answer.problem.detail ?? "The payment could not start.",
		);
	}
	if (!answer.value.redirectUrl) return seeOther(c, `/checkout/pay/${answer.value.orderId}`);
	return c.redirect(answer.value.redirectUrl, 303);
});

import { ConversationList, RecentOrders, Ticket, TicketList, Transcript } from "@bazaar/contracts/support";
import { Hono } from "hono";
import { SUPPORT_CHAT_ROLES } from "../console/access";
import { adminCall, query } from "../console/admin-call";
import { failedRead, forbidden, messageOf, refusal, staff } from "../console/page";
import type { AppContext, AppEnv } from "../env";
import { checkedForm } from "../lib/forms";
import { errorPage, personalPage, seeOther } from "../lib/personal-page";
import { loadSession } from "../session/middleware";
import type { FormMessage } from "../views/account-pages";
import { SupportHome, TicketPage, TranscriptPage } from "../views/support-console";

// The support console at /support, for support agents and admins (anyone else: a 403 page):
// tickets shoppers left when no agent was online, answered by mail; past conversations found by
// the shopper's email or an order; a transcript with the shopper's recent orders beside it. Like
// the admin console, every read and change goes through the admin API as the signed-in agent,
// and forms carry the session's CSRF token.

export const supportConsole = new Hono<AppEnv>();

supportConsole.use("*", loadSession);
supportConsole.use("*", async (c, next) => {
	const session = c.get("session");
	if (!session) {
		if (c.req.method !== "GET" && c.req.method !== "HEAD") return errorPage(c, 401, "Sign in again to send this form.");
		const url = new URL(c.req.url);
		return seeOther(c, `/account/login?next=${encodeURIComponent(url.pathname + url.search)}`);
	}
	if (!session.roles.some((r) => SUPPORT_CHAT_ROLES.includes(r))) {
		return forbidden(c, "The support console is for support agents and admins.");
	}
	await next();
	c.res.headers.set("cache-control", "no-store");
});

async function renderHome(c: AppContext, status: number, message?: FormMessage) {
	const email = (c.req.query("email") ?? "").trim();
	const orderId = (c.req.query("orderId") ?? "").trim();
	const tickets = await adminCall(c, TicketList, "GET", `/support/tickets${query({ status: "open", limit: 50 })}`);
	if (!tickets.ok) return failedRead(c, tickets);
	let found: ConversationList["items"] | null = null;
	let note = message;
	if (email || orderId) {
		const search = await adminCall(c, ConversationList, "GET", `/support/conversations${query({ email, orderId })}`);
		if (search.ok) found = search.value.items;
		else {
			note = messageOf(search.problem);
			status = search.status === 400 ? 422 : status;
		}
	}
	const s = staff(c);
	return personalPage(
		c,
		status,
		<SupportHome
			roles={s.roles}
			csrf={s.csrf}
			tickets={tickets.value.items}
			search={{ email, orderId }}
			found={found}
			message={note}
		/>,
	);
}

supportConsole.get("/", (c) => renderHome(c, 200));

async function renderTicket(c: AppContext, status: number, message?: FormMessage) {
	const ticket = await adminCall(c, Ticket, "GET", `/support/tickets/${encodeURIComponent(c.req.param("id") ?? "")}`);
	if (!ticket.ok) return failedRead(c, ticket);
	const s = staff(c);
	const done = c.req.query("done") === "answered" ? "The answer was sent by mail." : undefined;
	return personalPage(
		c,
		status,
		<TicketPage roles={s.roles} csrf={s.csrf} ticket={ticket.value} message={message} done={done} />,
	);
}

supportConsole.get("/tickets/:id{tkt_[0-9A-Z]{26}}", (c) => renderTicket(c, 200));

supportConsole.post("/tickets/:id{tkt_[0-9A-Z]{26}}/answer", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const id = c.req.param("id");
	const answer = await adminCall(c, Ticket, "POST", `/support/tickets/${id}/answer`, {
		message: (fields.message ?? "").trim(),
		close: fields.keepOpen !== "on",
	});
	if (!answer.ok) {
		if (answer.status === 403) return forbidden(c, answer.problem.detail ?? "Your roles do not allow this.");
		const r = refusal(answer);
		return renderTicket(c, r.status, r.message);
	}
	return seeOther(c, `/support/tickets/${id}?done=answered`);
});

supportConsole.get("/conversations/:id{cnv_[0-9A-Z]{26}}", async (c) => {
	const transcript = await adminCall(c, Transcript, "GET", `/support/conversations/${c.req.param("id")}`);
	if (!transcript.ok) return failedRead(c, transcript);
	const customerId = transcript.value.customerId;
	const orders = customerId
		? await adminCall(c, RecentOrders, "GET", `/support/customers/${encodeURIComponent(customerId)}/orders`)
		: null;
	const s = staff(c);
	return personalPage(
		c,
		200,
		<TranscriptPage
			roles={s.roles}
			csrf={s.csrf}
			transcript={transcript.value}
			orders={orders?.ok ? orders.value.items : []}
		/>,
	);
});

import {
	Article,
	ArticleDeleted,
	ArticleList,
	ConversationList,
	RecentOrders,
	Ticket,
	TicketList,
	Transcript,
} from "@bazaar/contracts/support";
import { Hono } from "hono";
import { SUPPORT_CHAT_ROLES } from "../console/access";
import { adminCall, query } from "../console/admin-call";
import { failedRead, forbidden, messageOf, refusal, staff } from "../console/page";
import type { AppContext, AppEnv } from "../env";
import { checkedForm } from "../lib/forms";
import { errorPage, personalPage, seeOther } from "../lib/personal-page";
import { loadSession } from "../session/middleware";
import type { FormMessage } from "../views/account-pages";
import { RecentOrderList, SupportHome, TicketPage, TranscriptPage } from "../views/support-console";
import { CannedPage, LiveConsole } from "../views/support-live";

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

// The live console: a shell whose module (support-console/live-script.ts) talks to the lobby and
// the claimed conversation through the shared support client. The canned replies are read here,
// as the agent, and offered in the page.
const cannedReplies = (c: AppContext) =>
	adminCall(c, ArticleList, "GET", `/support/articles${query({ canned: "true" })}`);

supportConsole.get("/live", async (c) => {
	const canned = await cannedReplies(c);
	if (!canned.ok) return failedRead(c, canned);
	const s = staff(c);
	return personalPage(
		c,
		200,
		<LiveConsole roles={s.roles} csrf={s.csrf} agentId={s.userId} canned={canned.value.items} />,
	);
});

/** The orders panel beside a live conversation: an escaped HTML fragment, read as the agent. */
supportConsole.get("/live/customers/:id{usr_[0-9A-Z]{26}}/orders", async (c) => {
	const orders = await adminCall(c, RecentOrders, "GET", `/support/customers/${c.req.param("id")}/orders`);
	if (!orders.ok) return c.json(orders.problem, orders.status as 400);
	return c.html(<RecentOrderList orders={orders.value.items} guest={false} />);
});

async function renderCanned(c: AppContext, status: number, message?: FormMessage) {
	const canned = await cannedReplies(c);
	if (!canned.ok) return failedRead(c, canned);
	const s = staff(c);
	return personalPage(
		c,
		status,
		<CannedPage roles={s.roles} csrf={s.csrf} canned={canned.value.items} message={message} />,
	);
}

supportConsole.get("/canned", (c) => renderCanned(c, 200));

supportConsole.post("/canned", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const made = await adminCall(c, Article, "POST", "/support/articles", {
		title: (fields.title ?? "").trim(),
		body: (fields.body ?? "").trim(),
		topic: fields.topic ?? "other",
		canned: true,
	});
	if (!made.ok) {
		if (made.status === 403) return forbidden(c, made.problem.detail ?? "Your roles do not allow this.");
		const r = refusal(made);
		return renderCanned(c, r.status, r.message);
	}
	return seeOther(c, "/support/canned");
});

supportConsole.post("/canned/:id{art_[0-9A-Z]{26}}", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const path = `/support/articles/${c.req.param("id")}`;
	const done =
		fields.delete === "on"
			? await adminCall(c, ArticleDeleted, "DELETE", path)
			: await adminCall(c, Article, "PATCH", path, {
					title: (fields.title ?? "").trim(),
					body: (fields.body ?? "").trim(),
				});
	if (!done.ok) {
		if (done.status === 403) return forbidden(c, done.problem.detail ?? "Your roles do not allow this.");
		const r = refusal(done);
		return renderCanned(c, r.status, r.message);
	}
	return seeOther(c, "/support/canned");
});

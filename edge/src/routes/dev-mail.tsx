import { Hono } from "hono";
import { z } from "zod";
import type { AppContext, AppEnv } from "../env";
import { anonymousCaller, type CoreAnswer } from "../lib/core-call";
import { identity } from "../lib/identity";
import { coreTrouble, errorPage, personalPage as page } from "../lib/personal-page";
import { MailListPage, MailPage } from "../views/account-mail";

// The dev mailbox at /dev/mail: the core's mail outbox while no SMTP server is configured, so a
// developer can follow a password-reset link without a mail server. The core serves it only
// then (404 with SMTP), and this page answers the same 404. The edge serves it only where
// DEV_MAILBOX=on (local stacks). It holds live reset links: never cached anywhere.

export const devMail = new Hono<AppEnv>();

devMail.use("*", async (c, next) => {
	// Off unless the local stack switched it on: a deploy that forgot SMTP must not publish live
	// reset links to anyone who asks.
	if (c.env.DEV_MAILBOX !== "on") return errorPage(c, 404, "There is nothing at this address.");
	await next();
	c.res.headers.set("cache-control", "no-store");
});

const ListQuery = z.object({
	to: z.string().trim().max(254).optional(),
	limit: z.coerce.number().int().min(1).max(200).optional(),
});

function refused(c: AppContext, answer: Extract<CoreAnswer<unknown>, { ok: false }>) {
	if (answer.status === 404) return errorPage(c, 404, answer.problem.detail ?? "There is no such message.");
	if (answer.status === 400) return errorPage(c, 400, "That mailbox filter is not valid.");
	return coreTrouble(c, answer.status);
}

devMail.get("/", async (c) => {
	const query = ListQuery.safeParse({ to: c.req.query("to") || undefined, limit: c.req.query("limit") });
	if (!query.success) return errorPage(c, 400, "That mailbox filter is not valid.");
	const list = await identity.devMail(c.env, anonymousCaller(c.req.raw), query.data);
	if (!list.ok) return refused(c, list);
	return page(c, 200, <MailListPage items={list.value.items} to={query.data.to} />);
});

devMail.get("/:id", async (c) => {
	const id = c.req.param("id");
	if (!/^mail_[0-9A-Z]{26}$/.test(id)) return errorPage(c, 404, "There is no such message.");
	const mail = await identity.devMailMessage(c.env, anonymousCaller(c.req.raw), id);
	if (!mail.ok) return refused(c, mail);
	return page(c, 200, <MailPage mail={mail.value} />);
});

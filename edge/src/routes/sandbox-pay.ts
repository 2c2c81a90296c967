import { Hono } from "hono";
import { z } from "zod";
import { checkoutShopper } from "../checkout/shopper";
import type { AppContext, AppEnv } from "../env";
import { coreClient } from "../lib/core";
import { callCore } from "../lib/core-call";
import { checkedForm } from "../lib/forms";
import { errorPage } from "../lib/personal-page";
import { formBodyLimit } from "../middleware/body";
import { loadSession } from "../session/middleware";

// The sandbox gateway's hosted page (only where the core runs it: PAYMENT_SANDBOX=on), served on
// the storefront's origin for the shopper who owns the order: the edge signs the shopper (session
// cookie or bearer token, or a guest by their cart cookie) into the core call, and the core shows the page and takes the decision
// for the order's owner only. Anyone else — signed out, another shopper — gets the same 404 as a
// reference that does not exist: a reference grants nothing. A decision sent with the session
// cookie is a form like any other of ours (same origin, the session's CSRF token, which the page's
// forms carry); one sent with a bearer token carries its credential explicitly.

/** The whole path, raw (still percent-encoded): an encoded separator or dot can never match. */
const PAGE = /^\/sandbox-pay\/(sbx_[A-Za-z0-9_-]{16,64})$/;
const DECISION = /^\/sandbox-pay\/(sbx_[A-Za-z0-9_-]{16,64})\/(approve|decline)$/;
const MAX_FORM_BYTES = 8 * 1024;
const PASSED_HEADERS = [
	"content-type",
	"content-security-policy",
	"cache-control",
	"x-frame-options",
	"referrer-policy",
] as const;
/** The core's sandboxPageRoutes: the shopper's form token for the page's forms. */
const FORM_TOKEN_HEADER = "sandbox-form-token";
const Decided = z.object({ location: z.url({ protocol: /^https?$/ }) });
const NO_SUCH_PAGE = "There is no such payment page.";

export const sandboxPay = new Hono<AppEnv>();

sandboxPay.use("*", formBodyLimit(MAX_FORM_BYTES));
sandboxPay.use("*", loadSession);

sandboxPay.all("*", async (c) => {
	const path = new URL(c.req.url).pathname;
	const page = PAGE.exec(path);
	const decision = DECISION.exec(path);
	if (!page && !decision) return errorPage(c, 404, NO_SUCH_PAGE);
	if (page && c.req.method !== "GET" && c.req.method !== "HEAD") return notAllowed(c, "GET, HEAD");
	if (decision && c.req.method !== "POST") return notAllowed(c, "POST");
	// Signed out without a cart: as if there were no such page (nothing says the payment exists).
	// A guest is the shopper of their cart cookie, as at checkout.
	const shopper = await checkoutShopper(c);
	if (!shopper) return errorPage(c, 404, NO_SUCH_PAGE);

	if (decision) {
		if (shopper.guest || c.get("authVia") === "cookie") {
			const form = await checkedForm(c);
			if (form instanceof Response) return form;
		}
		const answer = await callCore(
			c.env,
			Decided,
			"POST",
			`/payment/sandbox/pay/${decision[1]}/${decision[2]}`,
			shopper.caller,
		);
		if (!answer.ok) return refused(c, answer.status, answer.problem.detail);
		return new Response(null, {
			status: 303,
			headers: { location: answer.value.location, "cache-control": "no-store" },
		});
	}

	let res: Response;
	try {
		res = await coreClient(c.env).request("GET", `/payment/sandbox/pay/${page?.[1]}`, {
			caller: shopper.caller,
			headers: { [FORM_TOKEN_HEADER]: shopper.csrf },
		});
	} catch {
		return errorPage(c, 503, "The payment page could not be reached. Try again shortly.");
	}
	if (!res.ok || !(res.headers.get("content-type") ?? "").startsWith("text/html")) {
		await res.body?.cancel();
		return refused(c, res.status);
	}
	const headers = new Headers();
	for (const name of PASSED_HEADERS) {
		const value = res.headers.get(name);
		if (value !== null) headers.set(name, value);
	}
	if (!headers.has("cache-control")) headers.set("cache-control", "no-store");
	headers.set("x-content-type-options", "nosniff");
	return new Response(c.req.method === "HEAD" ? null : res.body, { status: res.status, headers });
});

/** The core's refusal as a page: its own status for the shopper's mistakes, a 502 for the core's trouble. */
function refused(c: AppContext, status: number, detail?: string) {
	if (status === 404) return errorPage(c, 404, NO_SUCH_PAGE);
	if (status >= 500 || status === 401) {
		return errorPage(c, 502, "The payment page is having trouble. Try again shortly.");
	}
	return errorPage(c, status, detail ?? "The payment page refused that.");
}

function notAllowed(c: AppContext, allow: string) {
	return errorPage(c, 405, `${c.req.method} is not allowed here.`).then((res) => {
		res.headers.set("allow", allow);
		return res;
	});
}

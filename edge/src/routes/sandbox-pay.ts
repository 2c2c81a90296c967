import { Problem } from "@bazaar/contracts";
import { Hono } from "hono";
import type { AppContext, AppEnv } from "../env";
import { readBodyLimited } from "../lib/bytes";
import { errorPage } from "../lib/personal-page";

// The sandbox gateway's hosted page, served on the storefront's origin: a transparent proxy to
// the core's public /payment/sandbox/pay/* routes. These are the gateway's own pages, not ours:
// not signed (the core serves them to anyone), not under the edge's CSRF (the page carries its
// own token bound to the payment reference), and the core's 303 back to the shop reaches the
// browser untouched (`redirect: "manual"`). Only the page's own headers pass, never a cookie.

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
	"location",
] as const;

export const sandboxPay = new Hono<AppEnv>();

sandboxPay.all("*", async (c) => {
	const path = new URL(c.req.url).pathname;
	const page = PAGE.exec(path);
	const decision = DECISION.exec(path);
	if (!page && !decision) return errorPage(c, 404, "There is no such payment page.");
	if (page && c.req.method !== "GET" && c.req.method !== "HEAD") return notAllowed(c, "GET, HEAD");
	if (decision && c.req.method !== "POST") return notAllowed(c, "POST");

	const target = `${c.env.CORE_URL}/payment/sandbox/pay/${page ? page[1] : `${decision?.[1]}/${decision?.[2]}`}`;
	const init: RequestInit = { method: page ? "GET" : "POST", redirect: "manual" };
	if (decision) {
		const body = await readBodyLimited(c.req.raw, MAX_FORM_BYTES);
		if (body === null) return errorPage(c, 413, "That form is too large.");
		init.body = body;
		init.headers = { "content-type": c.req.header("content-type") ?? "application/octet-stream" };
	}

	let res: Response;
	try {
		res = await fetch(target, init);
	} catch {
		return errorPage(c, 503, "The payment page could not be reached. Try again shortly.");
	}
	const type = res.headers.get("content-type") ?? "";
	if (res.status >= 500) {
		await res.body?.cancel();
		return errorPage(c, 502, "The payment page is having trouble. Try again shortly.");
	}
	if (res.status >= 400 && !type.startsWith("text/html")) {
		// The core answers problem JSON; a shopper's browser gets the same status as a page.
		return errorPage(c, res.status, await problemDetail(res));
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

function notAllowed(c: AppContext, allow: string) {
	return errorPage(c, 405, `${c.req.method} is not allowed here.`).then((res) => {
		res.headers.set("allow", allow);
		return res;
	});
}

async function problemDetail(res: Response): Promise<string> {
	try {
		const p = Problem.parse(await res.json());
		return p.detail ?? p.title;
	} catch {
		return "The payment page refused that.";
	}
}

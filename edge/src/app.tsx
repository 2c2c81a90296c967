import { problem } from "@bazaar/contracts";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { api } from "./api";
import type { AppEnv } from "./env";
import { htmlResponse } from "./lib/html";
import { apiProblem, wantsProblemJson } from "./lib/problems";
import { account } from "./routes/account";
import { admin } from "./routes/admin";
import { assets } from "./routes/assets";
import { cart } from "./routes/cart";
import { checkout } from "./routes/checkout";
import { adminConsole } from "./routes/console";
import { devMail } from "./routes/dev-mail";
import { downloads } from "./routes/downloads";
import { flashPages } from "./routes/flash-pages";
import { guestOrders } from "./routes/guest-orders";
import { internalEvents } from "./routes/internal-events";
import { internalFlash } from "./routes/internal-flash";
import { market } from "./routes/market";
import { openapi } from "./routes/openapi";
import { pages } from "./routes/pages";
import { parties } from "./routes/parties";
import { reviewPages } from "./routes/review-pages";
import { sandboxPay } from "./routes/sandbox-pay";
import { seo } from "./routes/seo";
import { supportConsole } from "./routes/support-console";
import { refuseBadCredentials } from "./session/middleware";
import { ErrorPage } from "./views/error-page";

export const app = new Hono<AppEnv>()
	.use("*", refuseBadCredentials)
	.route("/", api)
	.route("/", admin)
	.route("/", internalEvents)
	.route("/", internalFlash)
	.route("/", openapi)
	.route("/", parties)
	.route("/assets", assets)
	.route("/cart", cart)
	.route("/market", market)
	.route("/checkout", checkout)
	.route("/orders", guestOrders)
	.route("/flash", flashPages)
	.route("/sandbox-pay", sandboxPay)
	.route("/dev/mail", devMail)
	.route("/downloads", downloads)
	.route("/", reviewPages)
	.route("/account", account)
	.route("/admin", adminConsole)
	.route("/support", supportConsole)
	.route("/", seo)
	.route("/", pages);

// Reads only: anything else on the public catalog is a 405 with Allow, not a confusing 404.
app.all("/api/catalog/*", (c) =>
	c.req.method === "GET" || c.req.method === "HEAD"
		? apiProblem(404, "There is no such catalog resource.")
		: apiProblem(405, `${c.req.method} is not allowed here.`, {}, { allow: "GET, HEAD" }),
);

app.notFound((c) => {
	if (wantsProblemJson(c.req.path)) return apiProblem(404, "There is nothing at this address.");
	return htmlResponse(404, <ErrorPage problem={problem(404, "There is nothing at this address.")} />);
});

app.onError((err, c) => {
	const status = err instanceof HTTPException ? err.status : 500;
	if (status >= 500) console.error(`${c.req.method} ${c.req.path}`, err);
	const detail = status >= 500 ? "Something went wrong on our side." : err.message;
	if (wantsProblemJson(c.req.path)) return apiProblem(status, detail);
	return htmlResponse(status, <ErrorPage problem={problem(status, detail)} />);
});

import { problem } from "@bazaar/contracts";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./env";
import { htmlResponse } from "./lib/html";
import { apiProblem, wantsProblemJson } from "./lib/problems";
import { account } from "./routes/account";
import { admin } from "./routes/admin";
import { apiAccount, apiCustomers, apiPasswordReset } from "./routes/api-account";
import { apiCart } from "./routes/api-cart";
import { apiCatalog } from "./routes/api-catalog";
import { apiCheckout } from "./routes/api-checkout";
import { apiFlash } from "./routes/api-flash";
import { apiMe } from "./routes/api-me";
import { apiOrders } from "./routes/api-orders";
import { apiReviews } from "./routes/api-reviews";
import { apiSession } from "./routes/api-session";
import { apiSupportJoin } from "./routes/api-support-join";
import { apiSupportTickets } from "./routes/api-support-tickets";
import { assets } from "./routes/assets";
import { cart } from "./routes/cart";
import { checkout } from "./routes/checkout";
import { adminConsole } from "./routes/console";
import { devMail } from "./routes/dev-mail";
import { downloads } from "./routes/downloads";
import { flashPages } from "./routes/flash-pages";
import { guestOrders } from "./routes/guest-orders";
import { health } from "./routes/health";
import { images } from "./routes/images";
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
import { webhooks } from "./routes/webhooks";
import { refuseBadCredentials } from "./session/middleware";
import { ErrorPage } from "./views/error-page";

export const app = new Hono<AppEnv>()
	.use("*", refuseBadCredentials)
	.route("/", health)
	.route("/api/catalog", apiCatalog)
	.route("/", admin)
	.route("/", images)
	.route("/", internalEvents)
	.route("/", internalFlash)
	.route("/", openapi)
	.route("/", parties)
	.route("/api/session", apiSession)
	.route("/api/me", apiMe)
	.route("/api/customers", apiCustomers)
	.route("/api/password-reset", apiPasswordReset)
	.route("/api/account", apiAccount)
	.route("/api/cart", apiCart)
	.route("/api/checkout", apiCheckout)
	.route("/api/orders", apiOrders)
	.route("/api/flash", apiFlash)
	.route("/api/reviews", apiReviews)
	.route("/api/support/tickets", apiSupportTickets)
	.route("/api/support/join", apiSupportJoin)
	.route("/assets", assets)
	.route("/cart", cart)
	.route("/market", market)
	.route("/checkout", checkout)
	.route("/orders", guestOrders)
	.route("/flash", flashPages)
	.route("/sandbox-pay", sandboxPay)
	.route("/webhooks", webhooks)
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

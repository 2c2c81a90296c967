import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./env";
import { adminDownloads } from "./routes/admin-downloads";
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
import { health } from "./routes/health";
import { images } from "./routes/images";
import { webhooks } from "./routes/webhooks";

// The Worker's public programmatic surface in one router: the JSON API, images, health and the
// webhook endpoints. Routers defined with route definitions (OpenAPIHono) bring those definitions
// along when mounted, so `api.openAPIRegistry` holds every documented operation with its full
// path, and openapi/document.ts renders the reference from it.

export const api = new OpenAPIHono<AppEnv>()
	.route("/", health)
	.route("/api/catalog", apiCatalog)
	.route("/", images)
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
	// The admin API's one route the edge answers itself; the rest is proxied (routes/admin.ts).
	.route("/", adminDownloads)
	.route("/webhooks", webhooks);

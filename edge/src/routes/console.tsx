import { Hono } from "hono";
import { isStaff } from "../console/access";
import { forbidden } from "../console/page";
import type { AppEnv } from "../env";
import { errorPage, seeOther } from "../lib/personal-page";
import { formBodyLimit } from "../middleware/body";
import { loadSession } from "../session/middleware";
import { consoleCatalog } from "./console-catalog";
import { consoleCustomers } from "./console-customers";
import { consoleDashboard } from "./console-dashboard";
import { consoleLists } from "./console-lists";
import { consoleModeration } from "./console-moderation";
import { consoleOperations } from "./console-operations";
import { consoleOrders } from "./console-orders";
import { consoleStock } from "./console-stock";

// The admin console at /admin: server-rendered pages and plain forms for the shop's staff. Every
// read and every change goes through the admin API (routes/admin.ts `forwardAdmin`) as the
// signed-in staff member, so the core's role rules apply exactly as they do to curl; the console
// adds a per-section gate (console/access.ts) so a role sees a 403 page, never a broken one.
// Forms carry the session's CSRF token and are checked like the account's (lib/forms.ts).

export const adminConsole = new Hono<AppEnv>();

adminConsole.use(
	"*",
	// An image upload is the largest form: 8 MB of PNG (ImageInput's limit) and the fields around it.
	formBodyLimit(6 * 1024 * 1024),
);
adminConsole.use("*", loadSession);
adminConsole.use("*", async (c, next) => {
	const session = c.get("session");
	if (!session) {
		if (c.req.method !== "GET" && c.req.method !== "HEAD") return errorPage(c, 401, "Sign in again to send this form.");
		const url = new URL(c.req.url);
		return seeOther(c, `/account/login?next=${encodeURIComponent(url.pathname + url.search)}`);
	}
	if (!isStaff(session.roles)) return forbidden(c, "The console is for the shop's staff.");
	await next();
	c.res.headers.set("cache-control", "no-store");
});

adminConsole.route("/", consoleDashboard);
adminConsole.route("/", consoleCatalog);
adminConsole.route("/", consoleStock);
adminConsole.route("/", consoleOrders);
adminConsole.route("/", consoleModeration);
adminConsole.route("/", consoleOperations);
adminConsole.route("/", consoleLists);
adminConsole.route("/", consoleCustomers);

import { Hono } from "hono";
import type { AppContext, AppEnv } from "../env";
import { forwardAsCaller as forward } from "../lib/core-forward";
import { apiProblem } from "../lib/problems";
import { isReviewId } from "../lib/reviews";
import { SIGN_IN_CHALLENGE } from "../middleware/admin-auth";
import { apiWriteGuard } from "../middleware/api-write";
import { bufferBody } from "../middleware/body";
import { loadSession } from "../session/middleware";

// The signed-in customer's reviews as JSON (browser cookie or `Authorization: Bearer`): write,
// edit, vote, report, and what they may review. Each route forwards to the core's review module
// signed as the customer; the core validates and decides (a verified buyer only, the author only),
// and its status and problem come back unchanged. Reading a product's reviews needs no account:
// GET /api/catalog/products/:slug/reviews (cached with the product). Staff use /api/admin/reviews.

/** Four photos of 2 MB each, base64, plus the review around them. */
const MAX_BODY = 12 * 1024 * 1024;

export const apiReviews = new Hono<AppEnv>();

apiReviews.use("*", loadSession, apiWriteGuard);
apiReviews.use("*", async (c, next) => {
	if (!c.get("session")) return apiProblem(401, "Sign in to write or change reviews.", {}, SIGN_IN_CHALLENGE);
	await next();
});
apiReviews.use("*", bufferBody(MAX_BODY));

const withId =
	(method: string, path: (id: string) => string) =>
	(c: AppContext): Promise<Response> | Response => {
		const id = c.req.param("id") ?? "";
		if (!isReviewId(id)) return apiProblem(404, "There is no such review.");
		return forward(c, method, path(encodeURIComponent(id)));
	};

apiReviews.post("/", (c) => forward(c, "POST", "/reviews"));
apiReviews.get("/reviewable", (c) => {
	const url = new URL(c.req.url);
	return forward(c, "GET", `/reviews/mine/reviewable${url.search}`);
});
apiReviews.get(
	"/:id",
	withId("GET", (id) => `/reviews/mine/${id}`),
);
apiReviews.patch(
	"/:id",
	withId("PATCH", (id) => `/reviews/${id}`),
);
apiReviews.put(
	"/:id/vote",
	withId("PUT", (id) => `/reviews/${id}/vote`),
);
apiReviews.delete(
	"/:id/vote",
	withId("DELETE", (id) => `/reviews/${id}/vote`),
);
apiReviews.post(
	"/:id/reports",
	withId("POST", (id) => `/reviews/${id}/reports`),
);

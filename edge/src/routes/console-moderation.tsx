import { ActivityList, CouponList } from "@bazaar/contracts/promotion";
import { QUEUE_FILTERS, StaffReviewPage } from "@bazaar/contracts/review";
import { Hono } from "hono";
import { z } from "zod";
import { canWrite } from "../console/access";
import { adminCall, query } from "../console/admin-call";
import { consolePage, doneText, failedRead, gate, refusal, staff } from "../console/page";
import type { Fields } from "../console/product-form";
import type { AppContext, AppEnv } from "../env";
import { checkedForm } from "../lib/forms";
import { seeOther } from "../lib/personal-page";
import type { FormMessage } from "../views/account-pages";
import { PromotionsPage, ReviewQueuePage } from "../views/console-moderation";

// The reviews moderation queue and the promotions (sale activities and coupons) in the console's
// layout, over the admin API routes of their own issues.

export const consoleModeration = new Hono<AppEnv>();

// ---- reviews ------------------------------------------------------------------------------------

const REVIEW_DONE: Record<string, string> = {
	approve: "The review was published.",
	reject: "The review was rejected; its author is told why.",
	hide: "The review was hidden.",
	reply: "The reply under the review was changed.",
};

async function renderQueue(c: AppContext, status: number, message?: FormMessage) {
	const filter = (QUEUE_FILTERS as readonly string[]).includes(c.req.query("filter") ?? "")
		? (c.req.query("filter") as string)
		: "held";
	const page = await adminCall(
		c,
		StaffReviewPage,
		"GET",
		`/reviews/queue${query({ filter, cursor: c.req.query("cursor"), limit: 20 })}`,
	);
	if (!page.ok) return failedRead(c, page, "reviews");
	const s = staff(c);
	const view = (
		<ReviewQueuePage
			roles={s.roles}
			csrf={s.csrf}
			filter={filter}
			items={page.value.items}
			nextCursor={page.value.nextCursor}
			canChange={canWrite(s.roles, "reviews")}
			message={message}
			done={doneText(c, REVIEW_DONE)}
		/>
	);
	return consolePage(c, status, view);
}

consoleModeration.get("/reviews", async (c) => {
	const denied = gate(c, "reviews");
	if (denied) return denied;
	return renderQueue(c, 200);
});

consoleModeration.post("/reviews/:id{rev_[0-9A-Z]+}/:action{approve|reject|hide|reply}", async (c) => {
	const denied = gate(c, "reviews", "write");
	if (denied) return denied;
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const id = encodeURIComponent(c.req.param("id"));
	const action = c.req.param("action");
	const text = (fields.text ?? "").trim();
	const answer =
		action === "reply"
			? text
				? await adminCall(c, z.unknown(), "PUT", `/reviews/${id}/reply`, { body: text })
				: await adminCall(c, z.unknown(), "DELETE", `/reviews/${id}/reply`)
			: await adminCall(c, z.unknown(), "POST", `/reviews/${id}/${action}`, text ? { reason: text } : {});
	if (!answer.ok) return renderQueue(c, refusal(answer).status, refusal(answer).message);
	const back = (QUEUE_FILTERS as readonly string[]).includes(fields.filter ?? "") ? fields.filter : "held";
	return seeOther(c, `/admin/reviews?filter=${back}&done=${action}`);
});

// ---- promotions ---------------------------------------------------------------------------------

const PROMOTION_DONE: Record<string, string> = {
	created: "The sale activity was created.",
	saved: "The change was saved.",
};

async function renderPromotions(c: AppContext, status: number, message?: FormMessage, values: Fields = {}) {
	const [activities, coupons] = await Promise.all([
		adminCall(c, ActivityList, "GET", "/promotions/activities"),
		adminCall(c, CouponList, "GET", "/promotions/coupons"),
	]);
	if (!activities.ok) return failedRead(c, activities, "promotions");
	const s = staff(c);
	const view = (
		<PromotionsPage
			roles={s.roles}
			csrf={s.csrf}
			activities={activities.value.items}
			coupons={coupons.ok ? coupons.value.items : []}
			canChange={canWrite(s.roles, "promotions")}
			values={values}
			message={message}
			done={doneText(c, PROMOTION_DONE)}
		/>
	);
	return consolePage(c, status, view);
}

consoleModeration.get("/promotions", async (c) => {
	const denied = gate(c, "promotions");
	if (denied) return denied;
	return renderPromotions(c, 200);
});

async function promotionForm(c: AppContext): Promise<Fields | Response> {
	const denied = gate(c, "promotions", "write");
	if (denied) return denied;
	return checkedForm(c);
}

consoleModeration.post("/promotions/activities", async (c) => {
	const fields = await promotionForm(c);
	if (fields instanceof Response) return fields;
	const priority = (fields.priority ?? "").trim();
	const body = {
		slug: (fields.slug ?? "").trim(),
		name: (fields.name ?? "").trim(),
		badge: (fields.badge ?? "").trim(),
		bannerText: (fields.bannerText ?? "").trim(),
		timeZone: (fields.timeZone ?? "").trim() || "UTC",
		// <input type="datetime-local"> sends 2026-11-11T00:00: the API's wall-clock form.
		startsAt: (fields.startsAt ?? "").trim(),
		endsAt: (fields.endsAt ?? "").trim(),
		...(/^-?\d{1,4}$/.test(priority) ? { priority: Number(priority) } : {}),
		enabled: fields.enabled === "on",
	};
	const answer = await adminCall(c, z.unknown(), "POST", "/promotions/activities", body);
	if (!answer.ok) return renderPromotions(c, refusal(answer).status, refusal(answer).message, fields);
	return seeOther(c, "/admin/promotions?done=created");
});

consoleModeration.post("/promotions/:kind{activities|coupons}/:id/enabled", async (c) => {
	const fields = await promotionForm(c);
	if (fields instanceof Response) return fields;
	const path = `/promotions/${c.req.param("kind")}/${encodeURIComponent(c.req.param("id"))}`;
	const answer = await adminCall(c, z.unknown(), "PATCH", path, { enabled: fields.enabled === "true" });
	if (!answer.ok) return renderPromotions(c, refusal(answer).status, refusal(answer).message);
	return seeOther(c, "/admin/promotions?done=saved");
});

import type { Problem } from "@bazaar/contracts";
import { MAX_REVIEW_PHOTO_BYTES, QUEUE_FILTERS, REPORT_REASONS } from "@bazaar/contracts/review";
import { Hono } from "hono";
import type { AppContext, AppEnv } from "../env";
import { callerOf } from "../lib/core-call";
import { checkedForm, sameOrigin } from "../lib/forms";
import { coreTrouble, errorPage, personalPage as page, seeOther } from "../lib/personal-page";
import { isReviewId, reviews } from "../lib/reviews";
import { loadSession } from "../session/middleware";
import type { ActiveSession } from "../session/store";
import { MyReviewsPage, ReviewFormPage, type ReviewFormValues } from "../views/review-pages";

// Review pages. /account/reviews: what the customer may review (from a delivered order's page),
// write and edit, with photos (multipart; the edge hands the core their bytes, the core checks and
// re-encodes them). /reviews/:id/helpful and /report: the buttons on the cached
// product pages, which carry no CSRF token, so they require this site's Origin.

export const reviewPages = new Hono<AppEnv>();
// Only these paths: this router is mounted at the root, and the cached catalog pages need no session.
for (const path of ["/account/reviews", "/account/reviews/*", "/reviews/*"]) {
	reviewPages.use(path, loadSession);
}

const DONE: Record<string, string> = {
	published: "Thank you! Your review is published.",
	held: "Thank you! Your review will be shown once a moderator has looked at it.",
	saved: "Your review was saved.",
};

function signedIn(c: AppContext): ActiveSession | Response {
	const session = c.get("session");
	if (session) return session;
	const url = new URL(c.req.url);
	return seeOther(c, `/account/login?next=${encodeURIComponent(url.pathname + url.search)}`);
}

const problemMessage = (p: Problem) => ({ text: p.detail ?? p.title, errors: p.errors });

/** The form's review fields and photos as the core's JSON takes them; a message when a photo is refused here. */
async function reviewForm(c: AppContext): Promise<
	| {
			ok: true;
			fields: Record<string, string>;
			values: ReviewFormValues;
			photos: { contentType: string; dataBase64: string }[];
			keep: string[];
	  }
	| { ok: false; status: number; text: string; values: ReviewFormValues }
> {
	const form = await c.req.formData();
	const fields: Record<string, string> = {};
	const photos: { contentType: string; dataBase64: string }[] = [];
	const keep: string[] = [];
	for (const [k, v] of form.entries()) {
		if (typeof v === "string") {
			if (k === "keepPhotos") keep.push(v);
			else fields[k] = v;
		}
	}
	const values = { rating: Number(fields.rating) || undefined, title: fields.title, body: fields.body };
	for (const file of form.getAll("photos")) {
		if (typeof file === "string" || file.size === 0) continue;
		if (file.size > MAX_REVIEW_PHOTO_BYTES) {
			return {
				ok: false,
				status: 413,
				text: `${file.name} is larger than ${MAX_REVIEW_PHOTO_BYTES / 1024 / 1024} MB.`,
				values,
			};
		}
		if (file.type !== "image/png" && file.type !== "image/jpeg") {
			return { ok: false, status: 415, text: `${file.name} is not a PNG or JPEG image.`, values };
		}
		photos.push({ contentType: file.type, dataBase64: base64(new Uint8Array(await file.arrayBuffer())) });
	}
	return { ok: true, fields, values, photos, keep };
}

function base64(bytes: Uint8Array): string {
	let binary = "";
	for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	return btoa(binary);
}

reviewPages.get("/account/reviews", async (c) => {
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const orderId = c.req.query("order");
	if (orderId !== undefined && !/^ord_[0-9A-Z]{26}$/.test(orderId))
		return errorPage(c, 404, "There is no such order in your account.");
	const list = await reviews.reviewable(c.env, callerOf(c, session), orderId ? { orderId } : {});
	if (!list.ok) return coreTrouble(c, list.status);
	return page(c, 200, <MyReviewsPage list={list.value} orderId={orderId} done={DONE[c.req.query("done") ?? ""]} />);
});

reviewPages.get("/account/reviews/write", async (c) => {
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const productId = c.req.query("product") ?? "";
	if (!/^[A-Za-z0-9_-]{1,64}$/.test(productId)) return errorPage(c, 404, "There is no such product.");
	const list = await reviews.reviewable(c.env, callerOf(c, session), { productId });
	if (!list.ok) return coreTrouble(c, list.status);
	const item = list.value.items[0];
	if (!item) return errorPage(c, 403, "Only a customer whose order of this product was delivered can review it.");
	if (item.review) return seeOther(c, `/account/reviews/${item.review.id}/edit`);
	return page(
		c,
		200,
		<ReviewFormPage
			csrf={session.csrf}
			productTitle={item.productTitle}
			productId={productId}
			action="/account/reviews/write"
		/>,
	);
});

reviewPages.post("/account/reviews/write", async (c) => {
	const checked = await checkedForm(c);
	if (checked instanceof Response) return checked;
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const form = await reviewForm(c);
	const productId = checked.productId ?? "";
	const title = "this product";
	if (!form.ok) {
		return page(
			c,
			form.status,
			<ReviewFormPage
				csrf={session.csrf}
				productTitle={title}
				productId={productId}
				action="/account/reviews/write"
				values={form.values}
				message={{ text: form.text }}
			/>,
		);
	}
	const result = await reviews.write(c.env, callerOf(c, session), {
		productId,
		rating: Number(form.fields.rating),
		title: form.fields.title ?? "",
		body: form.fields.body ?? "",
		photos: form.photos,
	});
	if (result.ok)
		return seeOther(c, `/account/reviews?done=${result.value.status === "published" ? "published" : "held"}`);
	if (result.status >= 500) return coreTrouble(c, result.status);
	return page(
		c,
		result.status,
		<ReviewFormPage
			csrf={session.csrf}
			productTitle={title}
			productId={productId}
			action="/account/reviews/write"
			values={form.values}
			message={problemMessage(result.problem)}
		/>,
	);
});

reviewPages.get("/account/reviews/:id/edit", async (c) => {
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const id = c.req.param("id");
	if (!isReviewId(id)) return errorPage(c, 404, "There is no such review of yours.");
	const mine = await reviews.mine(c.env, callerOf(c, session), id);
	if (!mine.ok)
		return mine.status === 404 ? errorPage(c, 404, "There is no such review of yours.") : coreTrouble(c, mine.status);
	const r = mine.value;
	return page(
		c,
		200,
		<ReviewFormPage
			csrf={session.csrf}
			productTitle={r.productTitle}
			action={`/account/reviews/${id}/edit`}
			existing={r}
		/>,
	);
});

reviewPages.post("/account/reviews/:id/edit", async (c) => {
	const checked = await checkedForm(c);
	if (checked instanceof Response) return checked;
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const id = c.req.param("id");
	if (!isReviewId(id)) return errorPage(c, 404, "There is no such review of yours.");
	const caller = callerOf(c, session);
	const mine = await reviews.mine(c.env, caller, id);
	if (!mine.ok)
		return mine.status === 404 ? errorPage(c, 404, "There is no such review of yours.") : coreTrouble(c, mine.status);
	const form = await reviewForm(c);
	const again = (status: number, text: { text: string; errors?: Problem["errors"] }, values: ReviewFormValues) =>
		page(
			c,
			status,
			<ReviewFormPage
				csrf={session.csrf}
				productTitle={mine.value.productTitle}
				action={`/account/reviews/${id}/edit`}
				existing={mine.value}
				values={values}
				message={text}
			/>,
		);
	if (!form.ok) return again(form.status, { text: form.text }, form.values);
	const result = await reviews.edit(c.env, caller, id, {
		rating: Number(form.fields.rating),
		title: form.fields.title ?? "",
		body: form.fields.body ?? "",
		keepPhotos: form.keep,
		addPhotos: form.photos,
	});
	if (result.ok) return seeOther(c, `/account/reviews?done=${result.value.status === "published" ? "saved" : "held"}`);
	if (result.status >= 500) return coreTrouble(c, result.status);
	return again(result.status, problemMessage(result.problem), form.values);
});

// The buttons on cached pages: no CSRF token there, so this site's Origin is required.
reviewPages.post("/reviews/:id/:action{helpful|report}", async (c) => {
	if (!sameOrigin(c, { required: true })) return errorPage(c, 403, "Use this shop's own pages to vote or report.");
	const form = await c.req.formData().catch(() => null);
	if (!form) return errorPage(c, 400, "Send this form from the review.");
	const back = String(form.get("back") ?? "/");
	// Only a path on this site: never an open redirect.
	const to = /^\/(?!\/)[^\s\\]*$/.test(back) ? back : "/";
	const session = c.get("session");
	if (!session) return seeOther(c, `/account/login?next=${encodeURIComponent(to.split("#")[0] ?? "/")}`);
	const id = c.req.param("id");
	if (!isReviewId(id)) return errorPage(c, 404, "There is no such review.");
	const caller = callerOf(c, session);
	const reason = String(form.get("reason") ?? "");
	const result =
		c.req.param("action") === "helpful"
			? await reviews.vote(c.env, caller, id, true)
			: (REPORT_REASONS as readonly string[]).includes(reason)
				? await reviews.report(c.env, caller, id, { reason })
				: null;
	if (result === null) return errorPage(c, 400, "Choose why you report this review.");
	if (!result.ok) {
		if (result.status >= 500) return coreTrouble(c, result.status);
		return errorPage(c, result.status, result.problem.detail ?? "That could not be done.");
	}
	return seeOther(c, to);
});

// The moderation queue lives in the console now (/admin/reviews); old bookmarks land there.
reviewPages.get("/staff/reviews", (c) => {
	const filter = c.req.query("filter");
	const known = (QUEUE_FILTERS as readonly string[]).includes(filter ?? "");
	return c.redirect(known ? `/admin/reviews?filter=${filter}` : "/admin/reviews", 301);
});

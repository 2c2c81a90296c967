import type { Product, ProductList } from "@bazaar/contracts";
import type { Review, ReviewableList, ReviewPage, StaffReviewPage } from "@bazaar/contracts/review";
import { describe, expect, it } from "vitest";
import {
	approvePayment,
	bearerFor,
	coreCall,
	csrfOf,
	eventually,
	get,
	Jar,
	logIn,
	placeOrder,
	post,
	type Shopper,
	signUp,
} from "./account-support";
import { ADMIN_LOGIN, adminHeaders, edge, ORIGIN, syncVersion } from "./helpers";

// Reviews through the Worker against the real core: an order delivered by an admin makes its
// product reviewable; the write form (multipart, CSRF) and the JSON API; the moderators' queue
// page and API; the product page through the edge caches (the review, the new average, the
// schema.org JSON-LD); votes and reports from the cached page; HTML in every text stays inert.

const ADMIN = { user: "usr_01HADMINADMINADMINADMINADM", roles: ["admin"] };
const NASTY = `<script>alert("pwned")</script><img src=x onerror=alert(1)>`;

async function deliveredOrder(s: Shopper) {
	const order = await placeOrder(s.caller);
	await approvePayment(order);
	await eventually(async () => {
		const res = await coreCall("GET", `/orders/${order.id}`, s.caller);
		return res.body.status === "paid" ? true : undefined;
	}, "order paid");
	expect((await coreCall("POST", `/orders/admin/${order.id}/fulfil`, ADMIN, {})).status).toBe(200);
	expect((await coreCall("POST", `/orders/admin/${order.id}/deliver`, ADMIN, {})).status).toBe(200);
	const bearer = await bearerFor(s);
	const item = await eventually(async () => {
		const res = await api(`/api/reviews/reviewable?orderId=${order.id}`, { bearer });
		const list = (await res.json()) as ReviewableList;
		return list.items[0];
	}, "the delivered product to be reviewable");
	return { order, bearer, item };
}

function api(path: string, init: RequestInit & { bearer?: string } = {}) {
	const headers = new Headers(init.headers);
	if (init.bearer) headers.set("authorization", `Bearer ${init.bearer}`);
	if (init.body) headers.set("content-type", "application/json");
	return edge(path, { ...init, headers, redirect: "manual" });
}

/** A multipart form post from a page of this site. */
async function postMultipart(jar: Jar, path: string, fields: Record<string, string>, files: File[] = []) {
	const form = new FormData();
	for (const [k, v] of Object.entries(fields)) form.append(k, v);
	for (const f of files) form.append("photos", f);
	const res = await edge(path, {
		method: "POST",
		headers: { ...jar.header(), origin: ORIGIN },
		body: form,
		redirect: "manual",
	});
	jar.take(res);
	return { res, html: await res.text() };
}

describe("reviews through the storefront", () => {
	it("delivered → write (held for its link) → moderated → shown with the new average and JSON-LD, all text inert", async () => {
		const s = await signUp("Ada Reviewer");
		const { order, bearer, item } = await deliveredOrder(s);

		// The order page leads to the review form.
		const orderPage = await get(s.jar, `/account/orders/${order.id}`);
		expect(orderPage.html).toContain(`href="/account/reviews?order=${order.id}"`);
		const mine = await get(s.jar, `/account/reviews?order=${order.id}`);
		expect(mine.res.status).toBe(200);
		const writeHref = `/account/reviews/write?product=${encodeURIComponent(item.productId)}`;
		expect(mine.html).toContain(writeHref.replaceAll("&", "&amp;"));
		const form = await get(s.jar, writeHref);
		expect(form.res.status).toBe(200);
		expect(form.res.headers.get("cache-control")).toBe("no-store");

		// Without the CSRF token: refused.
		const forged = await postMultipart(s.jar, "/account/reviews/write", {
			productId: item.productId,
			rating: "5",
			title: "x",
			body: "y",
		});
		expect(forged.res.status).toBe(403);
		// A photo that is not an image: refused with the form shown again, nothing written.
		const csrf = csrfOf(form.html);
		const fields = {
			csrf,
			productId: item.productId,
			rating: "4",
			title: `Nice ${NASTY}`,
			body: `Works. ${NASTY} More at https://example.com/deal`,
		};
		const bad = await postMultipart(s.jar, "/account/reviews/write", fields, [
			new File(["not an image"], "notes.png", { type: "image/png" }),
		]);
		expect(bad.res.status).toBe(415);
		expect(bad.html).not.toContain("<script>alert");

		const written = await postMultipart(s.jar, "/account/reviews/write", fields);
		expect(written.res.status).toBe(303);
		expect(written.res.headers.get("location")).toBe("/account/reviews?done=held");
		const after = await get(s.jar, `/account/reviews?order=${order.id}`);
		expect(after.html).toContain("Waiting for a moderator");
		expect(after.html).not.toContain("<script>alert");
		// A second review of the same product: 409 through the API.
		const second = await api("/api/reviews", {
			method: "POST",
			bearer,
			body: JSON.stringify({ productId: item.productId, rating: 1, title: "Again", body: "Second try." }),
		});
		expect(second.status).toBe(409);

		// Staff: the queue page (a customer is refused), then approval through the admin API.
		expect((await get(s.jar, "/admin/reviews")).res.status).toBe(403);
		// The old address of the queue sends staff to the console.
		const moved = await get(s.jar, "/staff/reviews?filter=held");
		expect(moved.res.status).toBe(301);
		expect(moved.res.headers.get("location")).toBe("/admin/reviews?filter=held");
		const { jar: adminJar } = await logIn(ADMIN_LOGIN.email, ADMIN_LOGIN.password);
		const queuePage = await get(adminJar, "/admin/reviews?filter=held");
		expect(queuePage.res.status).toBe(200);
		expect(queuePage.html).toContain("held for: link");
		expect(queuePage.html).toContain("&lt;script&gt;");
		expect(queuePage.html).not.toContain("<script>alert");
		const queue = (await (
			await api("/api/admin/reviews/queue?filter=held&limit=50", { headers: await adminHeaders() })
		).json()) as StaffReviewPage;
		const held = queue.items.find((r) => r.customerId === s.caller.user) as Review;
		expect(held.status).toBe("held");
		// Approve through the page's form (CSRF from the queue page).
		const approved = await post(adminJar, `/admin/reviews/${held.id}/approve`, {
			csrf: csrfOf(queuePage.html),
			filter: "held",
		});
		expect(approved.res.status).toBe(303);
		const reply = await api(`/api/admin/reviews/${held.id}/reply`, {
			method: "PUT",
			headers: await adminHeaders(),
			body: JSON.stringify({ body: `Thanks! ${NASTY}` }),
		});
		expect(reply.status).toBe(200);

		// The product page through the edge: the review, the reply, the average, the JSON-LD.
		const slug = item.productSlug;
		const page = await eventually(async () => {
			await syncVersion();
			const p = await get(new Jar(), `/products/${slug}`);
			return p.html.includes('data-testid="reply"') ? p : undefined;
		}, "the product page with the review");
		expect(page.html).toContain("Nice &lt;script&gt;");
		expect(page.html).not.toContain("<script>alert");
		expect(page.html).not.toContain("<img src=x");
		expect(page.html).toContain('<strong data-testid="rating-average">4.0</strong>');
		expect(page.html).toContain("✔ Verified purchase");
		const ld = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(page.html)?.[1] ?? "";
		expect(ld).not.toContain("<");
		const data = JSON.parse(ld);
		expect(data.aggregateRating).toMatchObject({ "@type": "AggregateRating", ratingValue: 4, reviewCount: 1 });
		expect(data.review[0]).toMatchObject({ "@type": "Review", reviewRating: { ratingValue: 4 } });
		expect(data.review[0].name).toBe(`Nice ${NASTY}`);
		const product = (await (await edge(`/api/catalog/products/${slug}`)).json()) as Product;
		expect(product.rating).toEqual({ average: 4, count: 1, histogram: [0, 0, 0, 1, 0] });
		const listed = (await (await edge(`/api/catalog/products/${slug}/reviews?sort=helpful`)).json()) as ReviewPage;
		expect(listed.items.map((r) => r.id)).toEqual([held.id]);
		expect(listed.summary.count).toBe(1);
		const allPage = await get(new Jar(), `/products/${slug}/reviews?sort=rating_desc&stars=4`);
		expect(allPage.res.status).toBe(200);
		expect(allPage.html).toContain(`id="${held.id}"`);
		expect((await edge(`/products/${slug}/reviews?sort=loudest`)).status).toBe(400);
		// Listings filter by rating.
		const rated = (await (await edge("/api/catalog/products?minRating=4&limit=100")).json()) as ProductList;
		expect(rated.items.map((p) => p.slug)).toContain(slug);

		// Another shopper votes it helpful and reports it from the cached page (Origin required).
		const other = await signUp("Bea Voter");
		const noOrigin = await edge(`/reviews/${held.id}/helpful`, {
			method: "POST",
			headers: { ...other.jar.header(), "content-type": "application/x-www-form-urlencoded" },
			body: `back=/products/${slug}`,
			redirect: "manual",
		});
		expect(noOrigin.status).toBe(403);
		const voted = await post(other.jar, `/reviews/${held.id}/helpful`, { back: `/products/${slug}#${held.id}` });
		expect(voted.res.status).toBe(303);
		expect(voted.res.headers.get("location")).toBe(`/products/${slug}#${held.id}`);
		const offsite = await post(other.jar, `/reviews/${held.id}/helpful`, { back: "//evil.example/" });
		expect(offsite.res.headers.get("location")).toBe("/");
		expect((await post(other.jar, `/reviews/${held.id}/report`, { back: "/", reason: "fake" })).res.status).toBe(303);
		const reported = (await (
			await api("/api/admin/reviews/queue?filter=reported&limit=50", { headers: await adminHeaders() })
		).json()) as StaffReviewPage;
		expect(reported.items.find((r) => r.id === held.id)?.reportCount).toBe(1);
		// The author cannot vote on their own review.
		expect((await post(s.jar, `/reviews/${held.id}/helpful`, { back: "/" })).res.status).toBe(403);
	});

	it("the JSON API: unverified refused, photos refused when too big or not images, anonymous 401", async () => {
		const s = await signUp("Cy Unverified");
		const bearer = await bearerFor(s);
		const products = (await (await edge("/api/catalog/products?limit=1")).json()) as ProductList;
		const productId = products.items[0]?.id as string;
		const refused = await api("/api/reviews", {
			method: "POST",
			bearer,
			body: JSON.stringify({ productId, rating: 5, title: "Love it", body: "Never bought it though." }),
		});
		expect(refused.status).toBe(403);
		expect(refused.headers.get("content-type")).toContain("problem+json");
		expect((await api("/api/reviews", { method: "POST", body: "{}" })).status).toBe(401);

		const buyer = await signUp("Di Photos");
		const { bearer: buyerBearer, item } = await deliveredOrder(buyer);
		// 2.1 MB once decoded: within the JSON limit, over the photo limit.
		const big = "A".repeat(2_800_000);
		const tooBig = await api("/api/reviews", {
			method: "POST",
			bearer: buyerBearer,
			body: JSON.stringify({
				productId: item.productId,
				rating: 5,
				title: "t",
				body: "b",
				photos: [{ contentType: "image/png", dataBase64: big }],
			}),
		});
		expect(tooBig.status).toBe(413);
		const notImage = await api("/api/reviews", {
			method: "POST",
			bearer: buyerBearer,
			body: JSON.stringify({
				productId: item.productId,
				rating: 5,
				title: "t",
				body: "b",
				photos: [{ contentType: "image/jpeg", dataBase64: btoa("<html>hi</html>") }],
			}),
		});
		expect(notImage.status).toBe(415);
		// Nothing was written by either.
		const none = (await (
			await api(`/api/reviews/reviewable?productId=${item.productId}`, { bearer: buyerBearer })
		).json()) as ReviewableList;
		expect(none.items[0]?.review).toBeNull();

		// A real photo (a product thumbnail's bytes): stored re-encoded, served like product images
		// (/img/<sha256>.png: the core once, then R2 and the Cache API).
		const listed = (await (await edge("/api/catalog/products?limit=20")).json()) as ProductList;
		const thumb = listed.items.find((p) => p.thumbnail)?.thumbnail?.sources[0];
		const source = new Uint8Array(await (await edge(`/img/${thumb?.hash}.png`)).arrayBuffer());
		let binary = "";
		for (const b of source) binary += String.fromCharCode(b);
		const withPhoto = await api("/api/reviews", {
			method: "POST",
			bearer: buyerBearer,
			body: JSON.stringify({
				productId: item.productId,
				rating: 3,
				title: "Okay",
				body: "Does the job.",
				photos: [{ contentType: "image/png", dataBase64: btoa(binary) }],
			}),
		});
		expect(withPhoto.status).toBe(201);
		const hash = ((await withPhoto.json()) as Review).photos[0]?.full.hash as string;
		const served = await edge(`/img/${hash}.png`);
		expect(served.status).toBe(200);
		expect(served.headers.get("content-type")).toBe("image/png");
		expect([...new Uint8Array(await served.arrayBuffer()).subarray(0, 4)]).toEqual([137, 80, 78, 71]);
		expect((await edge(`/img/${hash}.png`)).headers.get("x-bazaar-cache")).not.toBe("core");
	});
});

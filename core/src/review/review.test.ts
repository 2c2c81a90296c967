import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeCursor } from "@bazaar/contracts/list";
import type { Review, ReviewDetail, ReviewPage, StaffReviewPage, VoteResult } from "@bazaar/contracts/review";
import { json } from "../testing/harness";
import { rows } from "../testing/sql";
import {
	customer,
	hugePngBase64,
	jpegWithExifBase64,
	MODERATOR,
	pngBase64,
	productId,
	type ReviewHarness,
	reviewHarness,
} from "./testing/fixtures";

// The review module through its signed routes: who may write, one review each, the automatic
// screen, every moderation state, reports, replies, votes, photos, the list's sorts and pages,
// and the exact aggregate under 200 concurrent decisions and votes.

let h: ReviewHarness;
beforeAll(async () => {
	h = await reviewHarness();
});
afterAll(async () => {
	await h?.close();
});

const clean = (over: Record<string, unknown> = {}) => ({
	rating: 4,
	title: "Solid kettle",
	body: "Boils fast and the handle stays cool. Would buy again.",
	...over,
});

async function write(caller = customer(), product = productId(), over: Record<string, unknown> = {}) {
	await h.deliver(caller, product);
	const res = await h.call("POST", "/reviews", { caller, body: { productId: product, ...clean(over) } });
	return { caller, product, res, review: res.status === 201 ? await json<Review>(res) : null };
}

async function list(product: string, query = "") {
	return json<ReviewPage>(
		await h.call("GET", `/reviews/products/${product}${query}`, { caller: { user: "", roles: [] } }),
	);
}

describe("writing a review", () => {
	test("a customer with no delivered order of the product is refused, and nothing is stored", async () => {
		const shopper = customer();
		const product = productId();
		const before = await h.outbox();
		const res = await h.call("POST", "/reviews", {
			caller: shopper,
			body: { productId: product, ...clean(), photos: [{ contentType: "image/png", dataBase64: pngBase64() }] },
		});
		expect(res.status).toBe(403);
		expect(await h.outbox()).toEqual(before);
		expect((await list(product)).items).toEqual([]);
		// A delivery of another product does not count either.
		await h.deliver(shopper, productId());
		expect(
			(await h.call("POST", "/reviews", { caller: shopper, body: { productId: product, ...clean() } })).status,
		).toBe(403);
		// Anonymous: 401.
		const anon = await h.call("POST", "/reviews", {
			caller: { user: "", roles: [] },
			body: { productId: product, ...clean() },
		});
		expect(anon.status).toBe(401);
	});

	test("a verified buyer's clean review is published at once, counted, and on the bus; a second one is refused", async () => {
		const before = (await h.outbox()).length;
		const { caller, product, res, review } = await write();
		expect(res.status).toBe(201);
		expect(review).toMatchObject({ status: "published", rating: 4, verifiedPurchase: true, holdReasons: [] });
		expect((await h.outbox()).slice(before)).toEqual(["review.submitted", "review.rating_changed"]);
		const page = await list(product);
		expect(page.items.map((r) => r.id)).toEqual([review?.id as string]);
		expect(page.summary).toMatchObject({ count: 1, average: 4, histogram: [0, 0, 0, 1, 0] });

		const again = await h.call("POST", "/reviews", { caller, body: { productId: product, ...clean({ rating: 1 }) } });
		expect(again.status).toBe(409);
		// Concurrently too: of ten racing first reviews exactly one lands.
		const racer = customer();
		const raced = productId();
		await h.deliver(racer, raced);
		const answers = await Promise.all(
			Array.from({ length: 10 }, (_, i) =>
				h.call("POST", "/reviews", { caller: racer, body: { productId: raced, ...clean({ title: `Take ${i}` }) } }),
			),
		);
		expect(answers.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
		expect((await list(raced)).summary.count).toBe(1);
	});

	test("bad input of every kind is a 4xx that changes nothing", async () => {
		const shopper = customer();
		const product = productId();
		await h.deliver(shopper, product);
		const before = await h.outbox();
		for (const body of [
			{ productId: product, ...clean({ rating: 6 }) },
			{ productId: product, ...clean({ rating: 0 }) },
			{ productId: product, ...clean({ rating: 4.5 }) },
			{ productId: product, ...clean({ title: "" }) },
			{ productId: product, ...clean({ body: "x".repeat(5001) }) },
			{ productId: product, ...clean(), extra: true },
			{ ...clean() },
			"not json",
		]) {
			const res = await h.call("POST", "/reviews", { caller: shopper, body });
			expect(res.status).toBeGreaterThanOrEqual(400);
			expect(res.status).toBeLessThan(500);
			expect(res.headers.get("content-type")).toContain("problem+json");
		}
		expect(await h.outbox()).toEqual(before);
		// Cursors: not ours, and shared-list cursors whose key is not a review's (sort key, id).
		const forged = [encodeCursor(["2026-01-01", "usr_1"]), encodeCursor([1.5, "rev_1"]), encodeCursor(["x"])];
		for (const q of [
			"?sort=loudest",
			"?stars=6",
			"?limit=0",
			"?cursor=%25%25",
			"?cursor=abc",
			...forged.map((c) => `?cursor=${c}`),
			"?x=1",
		]) {
			const res = await h.call("GET", `/reviews/products/${product}${q}`);
			expect(res.status).toBe(400);
		}
	});

	test("HTML and script are kept as text, never interpreted: JSON out, exactly what was written", async () => {
		const nasty = `<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"`;
		const { product, review } = await write(customer(), productId(), { title: `<b>${nasty}</b>`, body: nasty });
		expect(review?.status).toBe("published");
		const res = await h.call("GET", `/reviews/products/${product}`);
		expect(res.headers.get("content-type")).toContain("application/json");
		const page = (await res.json()) as ReviewPage;
		expect(page.items[0]?.body).toBe(nasty);
		expect(page.items[0]?.title).toBe(`<b>${nasty}</b>`);
	});
});

describe("the automatic screen holds reviews for a moderator", () => {
	for (const [what, over, reason] of [
		["a link", { body: "Great kettle, cheaper at https://cheap-kettles.example.com today" }, "link"],
		["a bare domain", { body: "Buy it at kettle-deals.shop instead, trust me." }, "link"],
		["an email address", { body: "Write to me at seller@example.com for a discount." }, "link"],
		["profanity", { body: "This fucking kettle broke after a week." }, "profanity"],
		["disguised profanity", { title: "Total sh1t" }, "profanity"],
		["one word over and over", { body: "great great great great great kettle" }, "repeated_text"],
		["a character run", { body: "Loved it!!!!!!!!!!!!!!" }, "repeated_text"],
	] as const) {
		test(`${what} → held (${reason}), not shown, not counted`, async () => {
			const { product, review } = await write(customer(), productId(), over);
			expect(review?.status).toBe("held");
			expect(review?.holdReasons).toContain(reason);
			const page = await list(product);
			expect(page.items).toEqual([]);
			expect(page.summary.count).toBe(0);
		});
	}

	test("numbers, prices and ordinary punctuation are not mistaken for links or repetition", async () => {
		const { review } = await write(customer(), productId(), {
			body: "Rated 4.5 out of 5... worth the $29.99. Boils 1.7 l in 3 minutes. Very very good.",
		});
		expect(review?.status).toBe("published");
	});

	test("a copy of another review of the same product is held as repeated text", async () => {
		const product = productId();
		const body = "Exactly what I needed for the office, five stars from me.";
		const first = await write(customer(), product, { body });
		expect(first.review?.status).toBe("published");
		const copy = await write(customer(), product, { body: `  ${body.toUpperCase()} ` });
		expect(copy.review?.status).toBe("held");
		expect(copy.review?.holdReasons).toEqual(["repeated_text"]);
	});
});

describe("editing", () => {
	test("an edit moves the aggregate exactly from the old rating to the new one", async () => {
		const product = productId();
		const a = await write(customer(), product, { rating: 5 });
		await write(customer(), product, { rating: 4, body: "Good, a little loud when it boils." });
		await write(customer(), product, { rating: 2, body: "The lid broke in a month, sadly." });
		expect((await list(product)).summary).toMatchObject({ count: 3, average: 3.67, histogram: [0, 1, 0, 1, 1] });

		const edited = await h.call("PATCH", `/reviews/${a.review?.id}`, { caller: a.caller, body: { rating: 1 } });
		expect(edited.status).toBe(200);
		const after = await json<Review>(edited);
		expect(after).toMatchObject({ status: "published", rating: 1 });
		expect(after.editedAt).not.toBeNull();
		expect((await list(product)).summary).toMatchObject({ count: 3, average: 2.33, histogram: [1, 1, 0, 1, 0] });

		// Text only: the aggregate stays, the revision moves (shoppers see a change).
		const rev = (await list(product)).summary.revision;
		await h.call("PATCH", `/reviews/${a.review?.id}`, {
			caller: a.caller,
			body: { body: "Changed my mind about it." },
		});
		const summary = (await list(product)).summary;
		expect(summary).toMatchObject({ count: 3, histogram: [1, 1, 0, 1, 0] });
		expect(summary.revision).toBe(rev + 1);

		// An edit that trips the screen takes it off the page and out of the aggregate.
		const held = await json<Review>(
			await h.call("PATCH", `/reviews/${a.review?.id}`, { caller: a.caller, body: { body: "see www.spam-site.com" } }),
		);
		expect(held.status).toBe("held");
		expect((await list(product)).summary).toMatchObject({ count: 2, histogram: [0, 1, 0, 1, 0] });
	});

	test("only the author edits: anyone else's review is a 404 and unchanged", async () => {
		const { review } = await write();
		const other = customer();
		const res = await h.call("PATCH", `/reviews/${review?.id}`, { caller: other, body: { rating: 1 } });
		expect(res.status).toBe(404);
		expect((await h.call("GET", `/reviews/mine/${review?.id}`, { caller: other })).status).toBe(404);
		expect((await h.call("PATCH", "/reviews/rev_nope", { caller: other, body: { rating: 1 } })).status).toBe(404);
		const empty = await h.call("PATCH", `/reviews/${review?.id}`, { caller: other, body: {} });
		expect(empty.status).toBe(400);
	});
});

describe("moderation", () => {
	test("held → approve (published, counted) → hide (out of the aggregate) → reject with a reason → author edits → held → approve", async () => {
		const { caller, product, review } = await write(customer(), productId(), {
			rating: 5,
			body: "Details on my blog: https://blog.example.org/kettle",
		});
		const id = review?.id as string;
		const queue = await json<StaffReviewPage>(
			await h.call("GET", "/reviews/admin/queue?filter=held&limit=50", { caller: MODERATOR }),
		);
		expect(queue.items.map((r) => r.id)).toContain(id);

		const approved = await json<Review>(await h.call("POST", `/reviews/admin/${id}/approve`, { caller: MODERATOR }));
		expect(approved).toMatchObject({ status: "published", holdReasons: [] });
		expect((await list(product)).summary).toMatchObject({ count: 1, histogram: [0, 0, 0, 0, 1] });

		const hidden = await json<Review>(
			await h.call("POST", `/reviews/admin/${id}/hide`, { caller: MODERATOR, body: { reason: "The link is spam." } }),
		);
		expect(hidden).toMatchObject({ status: "hidden", moderationReason: "The link is spam." });
		expect(await list(product)).toMatchObject({ items: [], summary: { count: 0, average: null } });

		expect((await h.call("POST", `/reviews/admin/${id}/reject`, { caller: MODERATOR, body: {} })).status).toBe(400);
		const rejected = await json<Review>(
			await h.call("POST", `/reviews/admin/${id}/reject`, {
				caller: MODERATOR,
				body: { reason: "Reviews may not advertise other sites." },
			}),
		);
		expect(rejected).toMatchObject({ status: "rejected", moderationReason: "Reviews may not advertise other sites." });
		// The author reads why.
		expect(await json<Review>(await h.call("GET", `/reviews/mine/${id}`, { caller }))).toMatchObject({
			status: "rejected",
			moderationReason: "Reviews may not advertise other sites.",
		});
		// A rejected review cannot be hidden.
		expect((await h.call("POST", `/reviews/admin/${id}/hide`, { caller: MODERATOR })).status).toBe(409);

		// The author fixes it: it waits for a moderator again, even though it is clean now.
		const fixed = await json<Review>(
			await h.call("PATCH", `/reviews/${id}`, { caller, body: { body: "Lovely kettle, boils fast and quietly." } }),
		);
		expect(fixed.status).toBe("held");
		expect((await list(product)).summary.count).toBe(0);
		await h.call("POST", `/reviews/admin/${id}/approve`, { caller: MODERATOR });
		expect((await list(product)).summary).toMatchObject({ count: 1, average: 5 });
		// The same decision again changes nothing.
		const rev = (await list(product)).summary.revision;
		expect((await h.call("POST", `/reviews/admin/${id}/approve`, { caller: MODERATOR })).status).toBe(200);
		expect((await list(product)).summary.revision).toBe(rev);

		const detail = await json<ReviewDetail>(await h.call("GET", `/reviews/admin/${id}`, { caller: MODERATOR }));
		expect(detail.history.map((c) => `${c.from ?? "∅"}→${c.to}`)).toEqual([
			"∅→held",
			"held→published",
			"published→hidden",
			"hidden→rejected",
			"rejected→held",
			"held→published",
		]);
		expect(detail.history[2]).toMatchObject({ actor: MODERATOR.user, reason: "The link is spam." });
		const types = await h.outbox();
		for (const t of ["review.published", "review.hidden", "review.rejected", "review.edited"])
			expect(types).toContain(t);
	});

	test("only staff (admin or moderator) reach the queue and the decisions", async () => {
		const { review } = await write();
		const shopper = customer();
		for (const [method, path] of [
			["GET", "/reviews/admin/queue"],
			["GET", `/reviews/admin/${review?.id}`],
			["POST", `/reviews/admin/${review?.id}/hide`],
			["PUT", `/reviews/admin/${review?.id}/reply`],
		] as const) {
			const res = await h.call(method, path, {
				caller: shopper,
				...(method === "PUT" ? { body: { body: "hi" } } : {}),
			});
			expect(res.status).toBe(403);
		}
		expect((await h.call("GET", "/reviews/admin/queue")).status).toBe(200);
		expect(
			(await h.call("POST", "/reviews/admin/rev_01AAAAAAAAAAAAAAAAAAAAAAAA/approve", { caller: MODERATOR })).status,
		).toBe(404);
		expect((await h.call("GET", "/reviews/admin/queue?filter=everything", { caller: MODERATOR })).status).toBe(400);
	});
});

describe("reports, replies and votes", () => {
	test("shoppers report a review once each; it shows in the reported queue until a moderator decides", async () => {
		const { caller, review } = await write();
		const id = review?.id as string;
		const reporter = customer();
		const first = await h.call("POST", `/reviews/${id}/reports`, { caller: reporter, body: { reason: "fake" } });
		expect(first.status).toBe(201);
		await h.call("POST", `/reviews/${id}/reports`, { caller: reporter, body: { reason: "spam" } });
		await h.call("POST", `/reviews/${id}/reports`, { caller: customer(), body: { reason: "offensive", note: "rude" } });
		expect((await h.call("POST", `/reviews/${id}/reports`, { caller, body: { reason: "spam" } })).status).toBe(403);
		expect(
			(await h.call("POST", `/reviews/${id}/reports`, { caller: reporter, body: { reason: "bored" } })).status,
		).toBe(400);

		const reported = await json<StaffReviewPage>(
			await h.call("GET", "/reviews/admin/queue?filter=reported&limit=50", { caller: MODERATOR }),
		);
		expect(reported.items.find((r) => r.id === id)).toMatchObject({ reportCount: 2, status: "published" });
		const detail = await json<ReviewDetail>(await h.call("GET", `/reviews/admin/${id}`, { caller: MODERATOR }));
		expect(detail.reports.map((r) => r.reason).sort()).toEqual(["fake", "offensive"]);
		expect((await h.outbox()).filter((t) => t === "review.reported").length).toBeGreaterThanOrEqual(2);

		// Kept after a look: approving it again clears the reports, it stays published.
		const kept = await json<Review>(await h.call("POST", `/reviews/admin/${id}/approve`, { caller: MODERATOR }));
		expect(kept.status).toBe("published");
		const after = await json<StaffReviewPage>(
			await h.call("GET", "/reviews/admin/queue?filter=reported&limit=50", { caller: MODERATOR }),
		);
		expect(after.items.map((r) => r.id)).not.toContain(id);
	});

	test("the merchant replies in public, replaces and removes the reply; the page's revision follows", async () => {
		const { product, review } = await write();
		const id = review?.id as string;
		const rev = (await list(product)).summary.revision;
		const replied = await h.call("PUT", `/reviews/admin/${id}/reply`, {
			caller: MODERATOR,
			body: { body: "Thank you! <b>Glad</b> it works for you." },
		});
		expect(replied.status).toBe(200);
		const shown = (await list(product)).items[0];
		expect(shown?.reply?.body).toBe("Thank you! <b>Glad</b> it works for you.");
		expect((await list(product)).summary.revision).toBe(rev + 1);
		expect((await h.call("PUT", `/reviews/admin/${id}/reply`, { caller: MODERATOR, body: { body: "" } })).status).toBe(
			400,
		);
		await h.call("DELETE", `/reviews/admin/${id}/reply`, { caller: MODERATOR });
		expect((await list(product)).items[0]?.reply).toBeNull();
		expect(await h.outbox()).toContain("review.replied");
	});

	test("helpful votes: one per customer, withdrawable, never on your own or an unpublished review", async () => {
		const { caller, review } = await write();
		const id = review?.id as string;
		const voter = customer();
		const vote = (c = voter) => h.call("PUT", `/reviews/${id}/vote`, { caller: c, body: { helpful: true } });
		expect(await json<VoteResult>(await vote())).toMatchObject({ helpfulCount: 1, voted: true });
		expect(await json<VoteResult>(await vote())).toMatchObject({ helpfulCount: 1, voted: true });
		expect(await json<VoteResult>(await vote(customer()))).toMatchObject({ helpfulCount: 2 });
		expect((await vote(caller)).status).toBe(403);
		const withdrawn = await json<VoteResult>(await h.call("DELETE", `/reviews/${id}/vote`, { caller: voter }));
		expect(withdrawn).toMatchObject({ helpfulCount: 1, voted: false });
		expect((await h.call("PUT", `/reviews/${id}/vote`, { caller: voter, body: { helpful: false } })).status).toBe(400);

		const held = await write(customer(), productId(), { body: "visit spam.example.com" });
		expect((await vote(voter)).status).toBe(200);
		expect(
			(await h.call("PUT", `/reviews/${held.review?.id}/vote`, { caller: voter, body: { helpful: true } })).status,
		).toBe(404);
	});
});

describe("the public list", () => {
	test("sorts by newest, most helpful and rating, filters by stars, and pages with a cursor", async () => {
		const product = productId();
		const written: Review[] = [];
		for (const [i, rating] of [5, 3, 5, 1, 4, 5, 2].entries()) {
			const r = await write(customer(), product, { rating, body: `Review number ${i} of this kettle.` });
			written.push(r.review as Review);
		}
		// Helpful votes on two of them.
		for (let v = 0; v < 3; v++) {
			await h.call("PUT", `/reviews/${written[1]?.id}/vote`, { caller: customer(), body: { helpful: true } });
		}
		await h.call("PUT", `/reviews/${written[4]?.id}/vote`, { caller: customer(), body: { helpful: true } });

		const newest = await list(product, "?sort=newest&limit=50");
		expect(newest.items.map((r) => r.id)).toEqual([...written].reverse().map((r) => r.id));
		const helpful = await list(product, "?sort=helpful&limit=2");
		expect(helpful.items.map((r) => r.id)).toEqual([written[1]?.id as string, written[4]?.id as string]);
		const high = await list(product, "?sort=rating_desc&limit=50");
		expect(high.items.map((r) => r.rating)).toEqual([5, 5, 5, 4, 3, 2, 1]);
		const low = await list(product, "?sort=rating_asc&limit=50");
		expect(low.items.map((r) => r.rating)).toEqual([1, 2, 3, 4, 5, 5, 5]);
		const fives = await list(product, "?stars=5");
		expect(fives.items).toHaveLength(3);
		expect(fives.summary).toMatchObject({ count: 7, histogram: [1, 1, 1, 1, 3] });

		// Pages of two, by rating: every review once, in order, whatever ties there are.
		for (const sort of ["newest", "helpful", "rating_desc", "rating_asc"]) {
			const seen: string[] = [];
			let cursor: string | null = null;
			do {
				const page: ReviewPage = await list(product, `?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
				seen.push(...page.items.map((r) => r.id));
				cursor = page.nextCursor;
			} while (cursor);
			expect(new Set(seen).size).toBe(7);
			expect(seen).toEqual((await list(product, `?sort=${sort}&limit=50`)).items.map((r) => r.id));
		}
	});

	test("what the customer may review: their delivered products, with their review once written", async () => {
		const shopper = customer();
		const a = productId();
		const b = productId();
		await h.deliver(shopper, a, "ord_01TESTAAAAAAAAAAAAAAAAAAAA");
		await h.deliver(shopper, b, "ord_01TESTAAAAAAAAAAAAAAAAAAAA");
		await h.call("POST", "/reviews", { caller: shopper, body: { productId: a, ...clean() } });
		const all = await json<{ items: { productId: string; review: Review | null }[] }>(
			await h.call("GET", "/reviews/mine/reviewable?orderId=ord_01TESTAAAAAAAAAAAAAAAAAAAA", { caller: shopper }),
		);
		expect(all.items.map((i) => [i.productId, i.review?.status ?? null]).sort()).toEqual(
			[
				[a, "published"],
				[b, null],
			].sort(),
		);
		const stranger = await json<{ items: unknown[] }>(
			await h.call("GET", "/reviews/mine/reviewable?orderId=ord_01TESTAAAAAAAAAAAAAAAAAAAA", { caller: customer() }),
		);
		expect(stranger.items).toEqual([]);
	});
});

describe("photos", () => {
	test("PNG and JPEG are re-encoded as PNG without their metadata and stored content-addressed", async () => {
		const marker = "GPSLatitude=51.5007;Camera=SecretSerial123";
		const { review } = await write(customer(), productId(), {
			photos: [
				{ contentType: "image/png", dataBase64: pngBase64(2000, 1000) },
				{ contentType: "image/jpeg", dataBase64: jpegWithExifBase64(marker) },
			],
		});
		expect(review?.photos).toHaveLength(2);
		const [big, fromJpeg] = review?.photos ?? [];
		expect(big?.full).toMatchObject({ width: 1200, height: 600 });
		expect(big?.thumb).toMatchObject({ width: 160, height: 80 });
		const stored = readFileSync(join(h.dir, "images", fromJpeg?.full.hash as string));
		expect([...stored.subarray(0, 4)]).toEqual([137, 80, 78, 71]);
		expect(stored.toString("latin1")).not.toContain("SecretSerial123");
		expect(stored.toString("latin1")).not.toContain("Exif");
	});

	test("too big, not an image, the wrong type or more than four: refused, and nothing is stored", async () => {
		const shopper = customer();
		const product = productId();
		await h.deliver(shopper, product);
		const post = (photos: unknown[]) =>
			h.call("POST", "/reviews", { caller: shopper, body: { productId: product, ...clean(), photos } });
		const huge = hugePngBase64();
		expect(Buffer.from(huge, "base64").byteLength).toBeGreaterThan(2 * 1024 * 1024);
		const tooBig = await post([{ contentType: "image/png", dataBase64: huge }]);
		expect([400, 413]).toContain(tooBig.status);
		const text = Buffer.from("<svg onload=alert(1)>hello</svg>").toString("base64");
		expect((await post([{ contentType: "image/png", dataBase64: text }])).status).toBe(415);
		expect((await post([{ contentType: "image/jpeg", dataBase64: text }])).status).toBe(415);
		expect((await post([{ contentType: "image/svg+xml", dataBase64: text }])).status).toBe(400);
		// A PNG that says it is a JPEG.
		expect((await post([{ contentType: "image/jpeg", dataBase64: pngBase64() }])).status).toBe(415);
		// A corrupt PNG: the signature and nothing else.
		const corrupt = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10, 0, 0]).toString("base64");
		expect((await post([{ contentType: "image/png", dataBase64: corrupt }])).status).toBe(415);
		const five = Array.from({ length: 5 }, () => ({ contentType: "image/png", dataBase64: pngBase64() }));
		expect((await post(five)).status).toBe(400);
		// One good and one bad: nothing at all is stored.
		const distinct = pngBase64(41, 29);
		expect(
			(
				await post([
					{ contentType: "image/png", dataBase64: distinct },
					{ contentType: "image/png", dataBase64: text },
				])
			).status,
		).toBe(415);
		expect(existsSync(join(h.dir, "images"))).toBe(true);
		const files = await rows(h.mod.context.database, "SELECT count(*) AS n FROM reviews WHERE product_id = ?", product);
		expect(Number(files[0]?.n)).toBe(0);
		// Editing: at most four in all.
		const { caller, review } = await write(customer(), productId(), {
			photos: Array.from({ length: 3 }, (_, i) => ({ contentType: "image/png", dataBase64: pngBase64(40 + i, 30) })),
		});
		const more = await h.call("PATCH", `/reviews/${review?.id}`, {
			caller,
			body: { addPhotos: [pngBase64(), pngBase64()].map((d) => ({ contentType: "image/png", dataBase64: d })) },
		});
		expect(more.status).toBe(400);
		const kept = await json<Review>(
			await h.call("PATCH", `/reviews/${review?.id}`, { caller, body: { keepPhotos: [review?.photos[0]?.full.hash] } }),
		);
		expect(kept.photos).toHaveLength(1);
	});
});

describe("200 at once", () => {
	test("200 concurrent approvals and 200 concurrent votes keep the aggregate and the counts exact", async () => {
		const product = productId();
		const ratings = Array.from({ length: 200 }, (_, i) => (i % 5) + 1);
		const held = await Promise.all(
			ratings.map(async (rating, i) => {
				const c = customer();
				await h.deliver(c, product);
				const res = await h.call("POST", "/reviews", {
					caller: c,
					body: { productId: product, ...clean({ rating, body: `Number ${i}: more at https://x${i}.example.com` }) },
				});
				return json<Review>(res);
			}),
		);
		expect(held.every((r) => r.status === "held")).toBe(true);
		expect((await list(product)).summary.count).toBe(0);

		// Every review approved at once, each decision sent twice.
		const decisions = await Promise.all(
			[...held, ...held].map((r) => h.call("POST", `/reviews/admin/${r.id}/approve`, { caller: MODERATOR })),
		);
		expect(decisions.every((r) => r.status === 200)).toBe(true);
		const summary = (await list(product)).summary;
		expect(summary).toMatchObject({ count: 200, average: 3, histogram: [40, 40, 40, 40, 40] });

		// 200 shoppers vote on one review at once, each twice.
		const target = held[0]?.id as string;
		const voters = Array.from({ length: 200 }, () => customer());
		const votes = await Promise.all(
			[...voters, ...voters].map((v) =>
				h.call("PUT", `/reviews/${target}/vote`, { caller: v, body: { helpful: true } }),
			),
		);
		expect(votes.every((r) => r.status === 200)).toBe(true);
		const [counted] = await rows(
			h.mod.context.database,
			"SELECT helpful_count AS n, (SELECT count(*) FROM review_votes WHERE review_id = ?) AS votes FROM reviews WHERE id = ?",
			target,
			target,
		);
		expect(counted).toEqual({ n: 200, votes: 200 });

		// Half of them hidden at once, concurrently with the rest being edited to 5 stars.
		await Promise.all([
			...held.slice(0, 100).map((r) => h.call("POST", `/reviews/admin/${r.id}/hide`, { caller: MODERATOR })),
		]);
		const finalSummary = (await list(product)).summary;
		const expected = [0, 0, 0, 0, 0];
		for (const r of held.slice(100)) expected[r.rating - 1] = (expected[r.rating - 1] ?? 0) + 1;
		expect(finalSummary.histogram).toEqual(expected as never);
		expect(finalSummary.count).toBe(100);
		const [agg] = await rows(h.mod.context.database, "SELECT sum FROM product_ratings WHERE product_id = ?", product);
		expect(Number(agg?.sum)).toBe(held.slice(100).reduce((s, r) => s + r.rating, 0));
	}, 120_000);
});

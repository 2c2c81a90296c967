import { type Cart, slotLabel } from "@bazaar/contracts/cart";
import { describe, expect, it } from "vitest";
import { api, cartOf, csrfOf, get, Jar, makeAppointment, makeProduct, postForm, unique } from "./cart-fixtures";
import { core, edge } from "./helpers";

// Booking a service's time slot in the storefront, through the Worker against the real core:
// the product page's date-time input (appointment services only), the add with a slot, the
// cart page showing the booked time with forms that name the line by its slot, the JSON API's
// `slot`, and bad times refused with a 422 and no change.

const ADMIN = { user: "cart-slots-admin", roles: ["admin"] };
const HOUR = 3_600_000;

/** The n-th whole hour from now, as an ISO instant and as a datetime-local field sends it (UTC). */
function hourAhead(n: number) {
	const iso = new Date((Math.floor(Date.now() / HOUR) + n) * HOUR).toISOString();
	return { iso, local: iso.slice(0, 16) };
}

const book = (jar: Jar, variantId: string, slot: string | undefined, quantity = "1") =>
	postForm(jar, "/cart/add", { variantId, quantity, ...(slot === undefined ? {} : { slot }) });

const linesOf = (cart: Cart) => cart.lines.map((l) => `${l.variantId}@${l.slot ?? "-"}×${l.quantity}`).sort();

describe("the product page of a service", () => {
	it("asks an appointment service for a UTC date-time on the hour; goods and unbooked services do not", async () => {
		const { product } = await makeAppointment(3);
		const res = await edge(`/products/${product.slug}`);
		const html = await res.text();
		expect(res.status).toBe(200);
		// Still cached for everyone (of its market): no list of free times, nothing personal.
		expect(res.headers.get("cache-control")).toBe("private, no-cache");
		expect(html).toContain('<form class="add" action="/cart/add" method="post"');
		expect(html).toMatch(
			/<label>Date and time \(UTC, on the hour\) <input type="datetime-local" name="slot" step="3600" required=""/,
		);
		expect(html).not.toContain('name="csrf"');

		for (const other of [await makeProduct([4]), await makeProduct([4], { kind: "service" })]) {
			const page = await (await edge(`/products/${other.product.slug}`)).text();
			expect(page).toContain('action="/cart/add"');
			expect(page).not.toContain('name="slot"');
			expect(page).not.toContain("datetime-local");
		}
	});
});

describe("booking from the form", () => {
	it("adds the line at the chosen time (datetime-local, read as UTC); the cart shows it and its forms carry it", async () => {
		const { product, variantId } = await makeAppointment(3);
		const jar = new Jar();
		const ten = hourAhead(30);
		const { res } = await book(jar, variantId, ten.local);
		expect(res.status).toBe(303);
		expect(res.headers.get("location")).toBe("/cart?done=added");

		const cart = await cartOf(jar);
		expect(cart.lines).toHaveLength(1);
		expect(cart.lines[0]).toMatchObject({ variantId, slot: ten.iso, quantity: 1, available: true });

		const page = await get(jar, "/cart");
		expect(page.res.status).toBe(200);
		expect(page.html).toContain(product.title);
		expect(page.html).toContain(`Booked for <time datetime="${ten.iso}">${slotLabel(ten.iso)}</time>`);
		expect(slotLabel(ten.iso)).toMatch(/^[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:00 UTC$/);
		// The terms the order will keep: the service's default cut-off, 24 h before the slot.
		expect(cart.lines[0]?.cancelCutoffHours).toBe(24);
		const until = new Date(Date.parse(ten.iso) - 24 * 3_600_000).toISOString();
		expect(page.html).toContain(`Free to move or cancel until <time datetime="${until}">${slotLabel(until)}</time>`);
		// Both the quantity and the remove form name the line by its slot.
		const hidden = `<input type="hidden" name="slot" value="${ten.iso}"/>`;
		expect(page.html.split(hidden).length - 1).toBe(2);
		expect(page.html).toContain(`data-slot="${ten.iso}"`);
	});

	it("two times of one service are two lines; update and remove reach only the line of their slot", async () => {
		const { variantId } = await makeAppointment(3);
		const jar = new Jar();
		const [a, b] = [hourAhead(40), hourAhead(41)];
		expect((await book(jar, variantId, a.local)).res.status).toBe(303);
		expect((await book(jar, variantId, b.local)).res.status).toBe(303);
		expect(linesOf(await cartOf(jar))).toEqual([`${variantId}@${a.iso}×1`, `${variantId}@${b.iso}×1`]);

		const csrf = csrfOf((await get(jar, "/cart")).html);
		const path = `/cart/lines/${encodeURIComponent(variantId)}`;
		let r = await postForm(jar, `${path}/quantity`, { csrf, slot: b.iso, quantity: "2" });
		expect(r.res.status).toBe(303);
		expect(r.res.headers.get("location")).toBe("/cart?done=updated");
		expect(linesOf(await cartOf(jar))).toEqual([`${variantId}@${a.iso}×1`, `${variantId}@${b.iso}×2`]);

		// A tampered slot field: 422, nothing changes.
		r = await postForm(jar, `${path}/quantity`, { csrf, slot: "noon", quantity: "3" });
		expect(r.res.status).toBe(422);
		expect(r.html).toContain("That booked time is not a date and time.");
		// No slot names the variant's unbooked line, which the cart does not have.
		r = await postForm(jar, `${path}/quantity`, { csrf, quantity: "3" });
		expect(r.res.status).toBe(404);
		expect(linesOf(await cartOf(jar))).toEqual([`${variantId}@${a.iso}×1`, `${variantId}@${b.iso}×2`]);

		r = await postForm(jar, `${path}/remove`, { csrf, slot: a.iso });
		expect(r.res.status).toBe(303);
		expect(linesOf(await cartOf(jar))).toEqual([`${variantId}@${b.iso}×2`]);
	});

	it("bad times: the cart page with a 422 message, and no change", async () => {
		const { variantId } = await makeAppointment(3);
		const jar = new Jar();
		const ok = hourAhead(50);
		await book(jar, variantId, ok.local);
		const before = linesOf(await cartOf(jar));
		const past = hourAhead(-2);
		const half = new Date(Date.parse(hourAhead(51).iso) + 30 * 60_000).toISOString().slice(0, 16);
		const cases: [string | undefined, RegExp][] = [
			[undefined, /choose a time for this appointment/],
			["2027-02-30T10:00", /not a date and time that can be booked/],
			["next tuesday", /not a date and time that can be booked/],
			["2026-12-01T25:00", /not a date and time that can be booked/],
			[past.local, /that time has passed/],
			[half, /appointments start on the hour/],
			[hourAhead(92 * 24).local, /up to 90 days ahead/],
		];
		for (const [slot, text] of cases) {
			const { res, html } = await book(jar, variantId, slot);
			expect(res.status, `${slot}: ${html.slice(0, 300)}`).toBe(422);
			expect(res.headers.get("cache-control")).toBe("no-store");
			expect(html).toContain("Your cart");
			expect(html).toMatch(text);
		}
		expect(linesOf(await cartOf(jar))).toEqual(before);

		// A slot on something that is not booked by time is refused the same way.
		const mug = await makeProduct([5]);
		const { res, html } = await book(jar, mug.variants[0]!, ok.local);
		expect(res.status).toBe(422);
		expect(html).toMatch(/not booked for a time/);
		expect(linesOf(await cartOf(jar))).toEqual(before);
	});

	it("warns on the cart page when the booked hour is full", async () => {
		const { sku, variantId } = await makeAppointment(1);
		const jar = new Jar();
		const slot = hourAhead(60);
		await book(jar, variantId, slot.local);
		// Someone else's order holds the one place.
		const held = await core().request("POST", "/inventory/reservations", {
			caller: ADMIN,
			body: JSON.stringify({ orderId: `ord_${unique()}`, lines: [{ sku, quantity: 1, slot: slot.iso }] }),
		});
		expect(held.status, await held.clone().text()).toBeLessThan(300);
		const page = await get(jar, "/cart");
		expect(page.html).toContain("This time is fully booked. Remove it and book another time.");
		expect(page.html).toContain('data-testid="not-ready"');
		const cart = await cartOf(jar);
		expect(cart.warnings).toEqual([
			{ variantId, slot: slot.iso, status: "sold_out", message: "this time is fully booked" },
		]);
	});
});

describe("/api/cart with slots", () => {
	it("adds with an ISO slot, patches and deletes by ?slot=; a bad slot is a 4xx problem with no change", async () => {
		const { variantId } = await makeAppointment(4);
		const jar = new Jar();
		const [a, b] = [hourAhead(70), hourAhead(71)];
		let r = await api(jar, "POST", "/api/cart/lines", { variantId, slot: a.iso, quantity: 2 });
		expect(r.res.status).toBe(200);
		r = await api(jar, "POST", "/api/cart/lines", { variantId, slot: b.iso });
		expect(r.res.status).toBe(200);
		const line = (slot: string) => `/api/cart/lines/${variantId}?slot=${encodeURIComponent(slot)}`;

		r = await api(jar, "PATCH", line(b.iso), { quantity: 3 });
		expect(r.res.status).toBe(200);
		expect(linesOf(r.body as Cart)).toEqual([`${variantId}@${a.iso}×2`, `${variantId}@${b.iso}×3`]);

		const before = linesOf(await cartOf(jar));
		for (const [method, path, body, status] of [
			["POST", "/api/cart/lines", { variantId }, 422],
			["POST", "/api/cart/lines", { variantId, slot: a.local }, 400],
			["POST", "/api/cart/lines", { variantId, slot: hourAhead(-1).iso }, 422],
			["PATCH", `/api/cart/lines/${variantId}?slot=soon`, { quantity: 1 }, 400],
			["DELETE", `/api/cart/lines/${variantId}?slot=soon`, undefined, 400],
			["DELETE", line(hourAhead(72).iso), undefined, 404],
			["DELETE", `/api/cart/lines/${variantId}`, undefined, 404],
		] as const) {
			const res = await api(jar, method, path, body);
			expect(res.res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(status);
			expect(res.res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
		}
		expect(linesOf(await cartOf(jar))).toEqual(before);

		r = await api(jar, "DELETE", line(a.iso));
		expect(r.res.status).toBe(200);
		expect(linesOf(r.body as Cart)).toEqual([`${variantId}@${b.iso}×3`]);
	});
});

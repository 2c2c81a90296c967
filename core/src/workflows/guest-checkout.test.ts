import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GUEST_ROLE, GUEST_TOKEN_HEADER, guestIdOf } from "@bazaar/contracts/cart";
import { GUEST_ORDER_KEY_HEADER } from "@bazaar/contracts/order";
import { randomToken } from "@bazaar/ids";
import type { Caller } from "@bazaar/signature";
import { json } from "../testing/harness";
import { decideSandbox, pickVariants } from "./testing/journey";
import { signUpByMail } from "./testing/signup";
import { ANONYMOUS, checkoutBody, eventually, registerCustomer, type Stack, stack } from "./testing/stack";

// Guest checkout through the composed core over HTTP, signed as the edge signs a guest: the cart
// by its token, checkout with an email, the sandbox's page, the confirmation mail with its signed
// link, the lookup by number + email, and the claim into an account at sign-up — and nobody else
// (another guest, an account, a forged key) opening the order.

let s: Stack;
beforeAll(async () => {
	s = await stack();
}, 60_000);
afterAll(async () => {
	await s?.close();
});

interface Guest {
	token: string;
	caller: Caller;
	headers: Record<string, string>;
}

async function newGuest(): Promise<Guest> {
	const token = randomToken(32);
	return {
		token,
		caller: { user: await guestIdOf(token), roles: [GUEST_ROLE] },
		headers: { [GUEST_TOKEN_HEADER]: token },
	};
}

let picked = 0;
/** A guest with one physical line in the cart (added as the edge adds it: anonymous + token). */
async function guestWithCart(): Promise<Guest> {
	const g = await newGuest();
	const [line] = await pickVariants(s.core.catalog.catalog, s.core.inventory, 1, "physical", picked++ % 5);
	const res = await s.call("POST", "/cart/lines", { headers: g.headers, body: { variantId: line?.id, quantity: 1 } });
	expect(res.status).toBe(200);
	return g;
}

const checkout = (g: Guest, key: string, body: Record<string, unknown>) =>
	s.call("POST", "/checkout", { caller: g.caller, headers: { ...g.headers, "idempotency-key": key }, body });

type Placed = {
	order: { id: string; customerId: string; email: string; status: string };
	payment: { redirectUrl: string };
};

async function paidGuestOrder(email: string): Promise<{ guest: Guest; orderId: string }> {
	const guest = await guestWithCart();
	const res = await checkout(guest, `guest-${randomToken(8)}`, checkoutBody({ email }));
	expect(res.status).toBe(201);
	const placed = await json<Placed>(res);
	expect(placed.order.customerId).toBe(guest.caller.user);
	expect(placed.order.email).toBe(email);
	const decided = await decideSandbox(s, guest.caller, placed.payment.redirectUrl, "approve");
	expect(decided.status).toBe(200);
	await eventually(
		async () => ((await s.core.orders.getOrder(placed.order.id)).status === "paid" ? true : undefined),
		10_000,
		"the guest order paid",
	);
	return { guest, orderId: placed.order.id };
}

const mailTo = async (email: string) => {
	const res = await s.call("GET", `/identity/dev/mail?to=${encodeURIComponent(email)}`);
	return (await json<{ items: { id: string; subject: string; text: string }[] }>(res)).items;
};

/** The signed link's key from the order's confirmation mail (it arrives through the bus). */
async function mailedKey(email: string, orderId: string): Promise<string> {
	return eventually(
		async () => {
			const mail = (await mailTo(email)).find((m) => m.subject.includes(orderId));
			return mail ? /\/orders\/guest\/ord_[0-9A-Z]+\?key=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1] : undefined;
		},
		10_000,
		"the confirmation mail",
	);
}

const openByKey = (orderId: string, key: string) =>
	s.call("GET", `/orders/guest/${orderId}`, { headers: { [GUEST_ORDER_KEY_HEADER]: key } });

let mails = 0;
const freshEmail = () => `guest${++mails}-${Date.now()}@example.test`;

describe("guest checkout", () => {
	test("an email instead of an account: the order is the guest's, paid through the sandbox, mailed with its link", async () => {
		const email = freshEmail();
		const { guest, orderId } = await paidGuestOrder(email);
		const key = await mailedKey(email, orderId);

		const opened = await openByKey(orderId, key);
		expect(opened.status).toBe(200);
		expect((await json<{ id: string; status: string }>(opened)).status).toBe("paid");
		// The guest's own cart cookie opens it too (the return from the gateway, the confirmation page).
		expect((await s.call("GET", `/orders/${orderId}`, { caller: guest.caller })).status).toBe(200);
		// The cart let go of the ordered line.
		const cart = await json<{ lines: unknown[] }>(await s.call("GET", "/cart", { headers: guest.headers }));
		expect(cart.lines).toHaveLength(0);
	});

	test("nobody else opens a guest order: another guest, an account, a forged or borrowed key", async () => {
		const email = freshEmail();
		const { orderId } = await paidGuestOrder(email);
		const other = await paidGuestOrder(freshEmail());
		const otherKey = await mailedKey((await s.core.orders.getOrder(other.orderId)).email, other.orderId);

		expect((await s.call("GET", `/orders/${orderId}`, { caller: other.guest.caller })).status).toBe(404);
		const account = await registerCustomer(s, "Mallory");
		expect((await s.call("GET", `/orders/${orderId}`, { caller: account })).status).toBe(404);
		// Another order's key, a made-up key, no key, a key of the wrong shape: all the same 404.
		expect((await openByKey(orderId, otherKey)).status).toBe(404);
		expect((await openByKey(orderId, randomToken(32))).status).toBe(404);
		expect((await s.call("GET", `/orders/guest/${orderId}`)).status).toBe(404);
		expect((await openByKey(orderId, "x".repeat(500))).status).toBe(404);
		// A guest caller whose token derives another id (a forged guest) checks out nothing.
		const forged = await guestWithCart();
		const res = await s.call("POST", "/checkout", {
			caller: other.guest.caller,
			headers: { ...forged.headers, "idempotency-key": "forged-guest-1" },
			body: checkoutBody({ email }),
		});
		expect(res.status).toBe(403);
		expect(res.headers.get("content-type")).toContain("application/problem+json");
		// Another guest's cancel is the same 404.
		expect((await s.call("POST", `/orders/${orderId}/cancel`, { caller: other.guest.caller })).status).toBe(404);
	});

	test("bad guest checkouts are 4xx problems and hold nothing", async () => {
		const guest = await guestWithCart();
		const noEmail = await checkout(guest, "guest-no-email-1", checkoutBody());
		expect(noEmail.status).toBe(422);
		expect((await json<{ errors: { path: string }[] }>(noEmail)).errors[0]?.path).toBe("email");
		const badEmail = await checkout(guest, "guest-bad-email-1", checkoutBody({ email: "not an address" }));
		expect(badEmail.status).toBe(400);
		const book = await checkout(guest, "guest-book-1", {
			...checkoutBody({ email: freshEmail() }),
			address: undefined,
			addressId: "adr_01ARZ3NDEKTSV4RRFFQ69G5FAV",
		});
		expect(book.status).toBe(422);
		// A guest role without the cart token, or without an id: refused.
		const noToken = await s.call("POST", "/checkout", {
			caller: guest.caller,
			headers: { "idempotency-key": "guest-no-token-1" },
			body: checkoutBody({ email: freshEmail() }),
		});
		expect(noToken.status).toBe(403);
		const anonymous = await s.call("POST", "/checkout", {
			caller: ANONYMOUS,
			headers: { ...guest.headers, "idempotency-key": "guest-anon-1" },
			body: checkoutBody({ email: freshEmail() }),
		});
		expect(anonymous.status).toBe(401);
		// The cart still holds its line: nothing was ordered.
		const cart = await json<{ lines: unknown[] }>(await s.call("GET", "/cart", { headers: guest.headers }));
		expect(cart.lines).toHaveLength(1);
	});

	test("the same Idempotency-Key replays the guest's order; another email under it is a 422", async () => {
		const guest = await guestWithCart();
		const email = freshEmail();
		const first = await json<Placed>(await checkout(guest, "guest-replay-0001", checkoutBody({ email })));
		const again = await checkout(guest, "guest-replay-0001", checkoutBody({ email }));
		expect(again.status).toBe(201);
		expect(again.headers.get("idempotent-replayed")).toBe("true");
		expect((await json<Placed>(again)).order.id).toBe(first.order.id);
		const other = await checkout(guest, "guest-replay-0001", checkoutBody({ email: freshEmail() }));
		expect(other.status).toBe(422);
	});
});

describe("a guest cancels an unpaid order", () => {
	test("by its key, with the account's rule: unpaid only; another key or none is a 404 and changes nothing", async () => {
		const email = freshEmail();
		const guest = await guestWithCart();
		const res = await checkout(guest, `guest-cancel-${randomToken(8)}`, checkoutBody({ email }));
		expect(res.status).toBe(201);
		const orderId = (await json<Placed>(res)).order.id;
		const { key } = await json<{ key: string }>(
			await s.call("POST", "/orders/guest/lookup", { body: { orderId, email } }),
		);
		const cancel = (k?: string) =>
			s.call("POST", `/orders/guest/${orderId}/cancel`, {
				headers: k === undefined ? {} : { [GUEST_ORDER_KEY_HEADER]: k },
			});
		expect((await cancel()).status).toBe(404);
		expect((await cancel("A".repeat(43))).status).toBe(404);
		// Another guest's key (for their own order) does not open this one.
		const other = await paidGuestOrder(freshEmail());
		const otherKey = (
			await json<{ key: string }>(
				await s.call("POST", "/orders/guest/lookup", {
					body: { orderId: other.orderId, email: (await s.core.orders.getOrder(other.orderId)).email },
				}),
			)
		).key;
		expect((await cancel(otherKey)).status).toBe(404);
		expect((await s.core.orders.getOrder(orderId)).status).toBe("pending_payment");

		const done = await cancel(key);
		expect(done.status).toBe(200);
		expect(await json<{ status: string }>(done)).toMatchObject({ status: "cancelled" });
		const order = await s.core.orders.getOrder(orderId);
		expect(order.timeline.at(-1)).toMatchObject({ to: "cancelled", actor: guest.caller.user });
		// Again: the same answer (idempotent, as for an account). Paid: the account's rule says no (409).
		const again = await cancel(key);
		expect(again.status).toBe(200);
		expect(await json<{ status: string }>(again)).toMatchObject({ status: "cancelled" });
		const paidKey = otherKey;
		const paid = await s.call("POST", `/orders/guest/${other.orderId}/cancel`, {
			headers: { [GUEST_ORDER_KEY_HEADER]: paidKey },
		});
		expect(paid.status).toBe(409);
		expect((await s.core.orders.getOrder(other.orderId)).status).toBe("paid");
	});
});

describe("guest order lookup", () => {
	test("number + email give the key; a wrong number and a wrong email get the same 404", async () => {
		const email = freshEmail();
		const { orderId } = await paidGuestOrder(email);
		const found = await s.call("POST", "/orders/guest/lookup", {
			caller: { ...ANONYMOUS, ip: "203.0.113.7" },
			body: { orderId, email: `  ${email.toUpperCase()} ` },
		});
		expect(found.status).toBe(200);
		const { key } = await json<{ key: string }>(found);
		expect((await openByKey(orderId, key)).status).toBe(200);
		expect(key).toBe(await mailedKey(email, orderId));

		const wrongEmail = await s.call("POST", "/orders/guest/lookup", { body: { orderId, email: freshEmail() } });
		const wrongNumber = await s.call("POST", "/orders/guest/lookup", {
			body: { orderId: "ord_01ARZ3NDEKTSV4RRFFQ69G5FAV", email },
		});
		expect(wrongEmail.status).toBe(404);
		expect(wrongNumber.status).toBe(404);
		const [a, b] = [await json<{ detail: string }>(wrongEmail), await json<{ detail: string }>(wrongNumber)];
		expect(a.detail).toBe(b.detail);

		const bad = await s.call("POST", "/orders/guest/lookup", { body: { orderId } });
		expect(bad.status).toBe(400);
		expect(bad.headers.get("content-type")).toContain("application/problem+json");
	});

	test("misses are rate limited per order number (429 with Retry-After), hits are not counted", async () => {
		const email = freshEmail();
		const { orderId } = await paidGuestOrder(email);
		let limited: Response | null = null;
		for (let i = 0; i < 15 && !limited; i++) {
			const res = await s.call("POST", "/orders/guest/lookup", { body: { orderId, email: freshEmail() } });
			if (res.status === 429) limited = res;
			else expect(res.status).toBe(404);
		}
		expect(limited?.status).toBe(429);
		expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
		// Even the right pair waits now: the limit is taken before anything is looked at.
		expect((await s.call("POST", "/orders/guest/lookup", { body: { orderId, email } })).status).toBe(429);
	});
});

describe("claiming guest orders", () => {
	test("signing up with the same (verified) email moves the guest's orders into the account", async () => {
		const email = freshEmail();
		const { guest, orderId } = await paidGuestOrder(email);
		const key = await mailedKey(email, orderId);
		const someoneElse = await paidGuestOrder(freshEmail());

		const user = await signUpByMail(s.call, {
			email: email.toUpperCase(),
			password: "correct horse battery",
			name: "Gina",
		});
		const account: Caller = { user: user.id, roles: user.roles };
		await eventually(
			async () => ((await s.core.orders.getOrder(orderId)).customerId === user.id ? true : undefined),
			10_000,
			"the claim",
		);
		expect((await s.call("GET", `/orders/${orderId}`, { caller: account })).status).toBe(200);
		const list = await json<{ items: { id: string }[] }>(await s.call("GET", "/orders", { caller: account }));
		expect(list.items.map((o) => o.id)).toEqual([orderId]);
		const timeline = (await s.core.orders.getOrder(orderId)).timeline;
		expect(timeline.at(-1)?.reason).toContain("claimed");
		// It is the account's now: the guest link and the guest's cookie no longer open it.
		expect((await openByKey(orderId, key)).status).toBe(404);
		expect((await s.call("GET", `/orders/${orderId}`, { caller: guest.caller })).status).toBe(404);
		// Another address's guest order stays where it was.
		expect((await s.core.orders.getOrder(someoneElse.orderId)).customerId).toBe(someoneElse.guest.caller.user);
	});
});

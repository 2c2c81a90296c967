import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { KeysUploaded, OrderDelivery, Redeemed } from "@bazaar/contracts/delivery";
import type { ShipmentList } from "@bazaar/contracts/fulfillment";
import { OUT_OF_STOCK_TYPE } from "@bazaar/contracts/inventory";
import type { OrderDetail } from "@bazaar/contracts/order";
import type { Caller } from "@bazaar/signature";
import { and, eq, sql } from "drizzle-orm";
import { products, variantPrices, variants } from "../catalog/schema";
import { json } from "../testing/harness";
import { confirmationMailId } from "./order-mail";
import { appointmentService, checkoutBooking, hour } from "./testing/appointment";
import { approvePayment, orderWhen, pickVariants, placeOrder, pollFor } from "./testing/journey";
import { checkoutBody, registerCustomer, SHOP, type Stack, stack } from "./testing/stack";

// Digital goods through the composed core over HTTP: staff register a file and upload a key pool
// (the pool becomes stock), a shopper pays, order.paid issues a link and a key and the one
// confirmation mail carries them; a cart that ships nothing checks out with billing only and gets
// no shipment;
// the order is delivered only then, the link counts its downloads, a refund revokes both; and
// 200 shoppers racing for the last 50 keys get 50 distinct keys, the rest out of stock at checkout.

const ADMIN: Caller = { user: "usr_01ADMIN000000000000000000", roles: ["admin"] };
const sha = "b".repeat(64);

let s: Stack;
beforeAll(async () => {
	s = await stack();
}, 60_000);
afterAll(async () => {
	await s?.close();
});

async function seeded(delivery: "download" | "license_key", skip = 0) {
	const rows = await s.core.catalog.catalog.database.db
		.select({ id: variants.id, sku: variants.sku, productId: products.id })
		.from(variants)
		.innerJoin(products, eq(products.id, variants.productId))
		.innerJoin(variantPrices, and(eq(variantPrices.variantId, variants.id), eq(variantPrices.currency, "USD")))
		.where(
			and(
				eq(products.status, "active"),
				eq(products.kind, "digital"),
				eq(variants.inStock, true),
				sql`json_extract(${products.digital}, '$.delivery') = ${delivery}`,
			),
		)
		.groupBy(products.id)
		.limit(skip + 1);
	const row = rows[skip];
	if (!row) throw new Error(`no ${delivery} variant in the seed`);
	return row;
}

const registerFile = (variantId: string, body: unknown = {}) =>
	s.call("PUT", `/delivery/admin/variants/${variantId}/file`, {
		caller: ADMIN,
		body: {
			objectKey: `files/${variantId}/${sha}`,
			fileName: "Book.pdf",
			contentType: "application/pdf",
			bytes: 4321,
			sha256: sha,
			...(body as object),
		},
	});
const uploadKeys = (variantId: string, keys: string[], caller = ADMIN) =>
	s.call("POST", `/delivery/admin/variants/${variantId}/keys`, { caller, body: { keys } });

/** How many queued mails name the order (its confirmation only, when it is one mail). */
async function mailsAbout(orderId: string): Promise<number> {
	const [row] = await s.core.identity.identity.database.db.all<{ n: number }>(
		sql`SELECT COUNT(*) AS n FROM mail_outbox WHERE text LIKE ${`%${orderId}%`}`,
	);
	return Number(row?.n ?? 0);
}

async function buyAndPay(shopper: Caller, lines: { id: string }[]) {
	const placed = await placeOrder(s, shopper, lines);
	await approvePayment(s, shopper, placed.redirectUrl);
	return placed.orderId;
}

describe("admin", () => {
	test("files and keys only for variants delivered that way; keys received as stock once each; customers refused", async () => {
		const ebook = await seeded("download");
		const app = await seeded("license_key");
		expect((await registerFile(app.id)).status).toBe(422);
		expect((await registerFile(ebook.id, { contentType: "text/html" })).status).toBe(400);
		expect((await registerFile("var_01NOSUCHVARIANT00000000000")).status).toBe(404);
		expect((await registerFile(ebook.id)).status).toBe(200);
		expect((await uploadKeys(ebook.id, ["KEY-1234"])).status).toBe(422);
		const customer = await registerCustomer(s);
		expect((await uploadKeys(app.id, ["KEY-1234"], customer)).status).toBe(403);

		const before = (await s.core.inventory.getStock(app.sku)).rows[0]?.available ?? 0;
		const res = await uploadKeys(app.id, ["ADM-0001", "ADM-0002", "ADM-0002"]);
		expect(res.status).toBe(201);
		expect(await json<KeysUploaded>(res)).toMatchObject({ added: 2, duplicates: 1, available: 2 });
		expect(await json<KeysUploaded>(await uploadKeys(app.id, ["ADM-0001"]))).toMatchObject({ added: 0 });
		expect((await s.core.inventory.getStock(app.sku)).rows[0]?.available).toBe(before + 2);
	});
});

describe("a paid order", () => {
	test("gets its link and key (mailed), is delivered only then; the link counts; a refund revokes both", async () => {
		const ebook = await seeded("download", 1);
		const app = await seeded("license_key", 1);
		expect((await registerFile(ebook.id)).status).toBe(200);
		expect((await uploadKeys(app.id, ["PAID-0001", "PAID-0002"])).status).toBe(201);
		const shopper = await registerCustomer(s, "Digital Buyer");
		const orderId = await buyAndPay(shopper, [ebook]);
		// fillCart gives line i quantity i + 1: one ebook here; the key in a second order below.
		const delivered = await orderWhen<OrderDetail>(s, shopper, orderId, (o) => o.status === "delivered");
		expect(delivered.timeline.map((t) => t.to)).toEqual(["pending_payment", "paid", "fulfilled", "delivered"]);
		const got = await json<OrderDelivery>(await s.call("GET", `/delivery/orders/${orderId}`, { caller: shopper }));
		expect(got.downloads).toHaveLength(1);
		expect(got.downloads[0]).toMatchObject({ variantId: ebook.id, fileName: "Book.pdf", status: "active" });
		const stranger = await registerCustomer(s, "Stranger");
		expect((await s.call("GET", `/delivery/orders/${orderId}`, { caller: stranger })).status).toBe(404);

		const keyOrder = await buyAndPay(shopper, [app]);
		await orderWhen<OrderDetail>(s, shopper, keyOrder, (o) => o.status === "delivered");
		const keys = (await json<OrderDelivery>(await s.call("GET", `/delivery/orders/${keyOrder}`, { caller: shopper })))
			.keys;
		expect(keys).toHaveLength(1);
		expect(keys[0]?.key).toMatch(/^PAID-000[12]$/);
		expect(keys[0]?.status).toBe("issued");

		// Mailed in the order's one confirmation: the link (absolute, on the storefront) and the key.
		const mail = await pollFor(async () => {
			const rows = await s.core.identity.identity.database.db.all<{ to: string; text: string }>(
				sql`SELECT "to", text FROM mail_outbox WHERE id IN (${confirmationMailId(orderId)}, ${confirmationMailId(keyOrder)}) ORDER BY id`,
			);
			return rows.length === 2 ? rows : undefined;
		});
		expect(mail.every((m) => m.to === shopper.email)).toBe(true);
		expect(mail.map((m) => m.text).join("\n")).toContain(`http://shop.test${got.downloads[0]?.url}`);
		expect(mail.map((m) => m.text).join("\n")).toContain(keys[0]?.key as string);
		expect(await mailsAbout(orderId)).toBe(1);
		expect(await mailsAbout(keyOrder)).toBe(1);

		const token = got.downloads[0]?.url.replace("/downloads/", "") as string;
		const redeemed = await s.call("POST", "/delivery/downloads/redeem", { body: { token } });
		expect(redeemed.status).toBe(200);
		expect(await json<Redeemed>(redeemed)).toMatchObject({ objectKey: `files/${ebook.id}/${sha}`, downloadsLeft: 4 });
		expect((await s.call("POST", "/delivery/downloads/redeem", { body: { token: `${token}0` } })).status).toBe(404);

		for (const id of [orderId, keyOrder]) {
			const order = await json<OrderDetail>(await s.call("GET", `/orders/admin/${id}`, { caller: ADMIN }));
			const res = await s.call("POST", `/orders/admin/${id}/refund`, {
				caller: ADMIN,
				body: { amount: order.total, reason: "changed mind" },
				headers: { "idempotency-key": `digital-refund-${id}` },
			});
			expect(res.status).toBe(202);
		}
		await pollFor(async () => {
			const res = await s.call("POST", "/delivery/downloads/redeem", { body: { token } });
			return res.status === 410 ? res : undefined;
		});
		const after = await pollFor(async () => {
			const d = await json<OrderDelivery>(await s.call("GET", `/delivery/orders/${keyOrder}`, { caller: shopper }));
			return d.keys[0]?.status === "revoked" ? d : undefined;
		});
		expect(after.keys[0]?.key).toBe(keys[0]?.key as string);
	}, 60_000);

	test("a download without a file: the order stays paid (not delivered) and its mail waits until staff upload it", async () => {
		const ebook = await seeded("download", 2);
		const shopper = await registerCustomer(s);
		const orderId = await buyAndPay(shopper, [ebook]);
		await orderWhen<OrderDetail>(s, shopper, orderId, (o) => o.status === "paid");
		await Bun.sleep(500);
		expect((await json<OrderDetail>(await s.call("GET", `/orders/${orderId}`, { caller: shopper }))).status).toBe(
			"paid",
		);
		// Its one mail waits for the link too: nothing is mailed without it.
		expect(await mailsAbout(orderId)).toBe(0);
		expect((await registerFile(ebook.id)).status).toBe(200);
		await orderWhen<OrderDetail>(s, shopper, orderId, (o) => o.status === "delivered", 30_000);
		const mail = await pollFor(async () => {
			const [row] = await s.core.identity.identity.database.db.all<{ text: string }>(
				sql`SELECT text FROM mail_outbox WHERE id = ${confirmationMailId(orderId)}`,
			);
			return row;
		}, 30_000);
		expect(mail.text).toContain(`${SHOP}/downloads/`);
		expect(await mailsAbout(orderId)).toBe(1);
	}, 60_000);
});

test("a mixed order: shipping is charged on the physical line only, the parcel carries it alone, the download gets its link", async () => {
	const ebook = await seeded("download", 3);
	expect((await registerFile(ebook.id)).status).toBe(200);
	const [physical] = await pickVariants(s.core.catalog.catalog, s.core.inventory, 1, "physical", 7);
	const shopper = await registerCustomer(s, "Mixed Buyer");
	// Alone, the ebook ships for nothing.
	await s.call("POST", "/cart/lines", { caller: shopper, body: { variantId: ebook.id, quantity: 1 } });
	const alone = await json<{ options: { method: string; shipping: number }[] }>(
		await s.call("POST", "/checkout/quote", { caller: shopper, body: { address: checkoutBody().address } }),
	);
	expect(alone.options.every((o) => o.shipping === 0)).toBe(true);
	await s.call("DELETE", `/cart/lines/${ebook.id}`, { caller: shopper });
	const orderId = await buyAndPay(shopper, [physical as { id: string }, ebook]);
	await orderWhen<OrderDetail>(s, shopper, orderId, (o) => o.status === "paid");
	const parcel = await pollFor(async () => {
		const res = await s.call("GET", `/fulfillment/orders/${orderId}/shipments`, { caller: shopper });
		return res.status === 200 ? (await json<ShipmentList>(res)).items : undefined;
	});
	expect(parcel).toHaveLength(1);
	expect(parcel[0]).toMatchObject({ kind: "parcel", status: "pending" });
	expect(parcel[0]?.lines.map((l) => l.variantId)).toEqual([physical?.id as string]);
	const got = await pollFor(async () => {
		const d = await json<OrderDelivery>(await s.call("GET", `/delivery/orders/${orderId}`, { caller: shopper }));
		return d.downloads.length === 1 ? d : undefined;
	});
	expect(got.downloads[0]?.variantId).toBe(ebook.id);
	// One mail: the confirmation, with the download's link in it.
	const mail = await pollFor(async () => {
		const [row] = await s.core.identity.identity.database.db.all<{ text: string }>(
			sql`SELECT text FROM mail_outbox WHERE id = ${confirmationMailId(orderId)}`,
		);
		return row;
	});
	expect(mail.text).toContain(`${SHOP}${got.downloads[0]?.url}`);
	await Bun.sleep(300);
	expect(await mailsAbout(orderId)).toBe(1);
}, 60_000);

describe("a cart with nothing to ship", () => {
	const billingBody = (billing: unknown = { name: "Ada Reader", country: "de" }) => {
		const { address: _a, shippingMethod: _m, ...rest } = checkoutBody();
		return { ...rest, billing };
	};

	test("checks out with billing only: taxed by its country, no address kept, no shipment, one mail with the link and key", async () => {
		const ebook = await seeded("download", 4);
		const app = await seeded("license_key", 3);
		expect((await registerFile(ebook.id)).status).toBe(200);
		expect((await uploadKeys(app.id, ["ONLY-0001"])).status).toBe(201);
		const shopper = await registerCustomer(s, "Billing Only");
		for (const v of [ebook, app]) {
			expect(
				(await s.call("POST", "/cart/lines", { caller: shopper, body: { variantId: v.id, quantity: 1 } })).status,
			).toBe(200);
		}
		const quote = await json<{
			ships: boolean;
			address: unknown;
			options: unknown[];
			billing: { country: string };
			due: { shipping: number; tax: number; taxRateBp: number; total: number };
			subtotal: number;
		}>(await s.call("POST", "/checkout/quote", { caller: shopper, body: { billing: { name: "Ada", country: "DE" } } }));
		expect(quote).toMatchObject({ ships: false, address: null, options: [], billing: { country: "DE" } });
		expect(quote.due).toMatchObject({ shipping: 0, taxRateBp: 1900 });
		expect(quote.due.tax).toBeGreaterThan(0);

		const res = await s.call("POST", "/checkout", {
			caller: shopper,
			body: billingBody(),
			headers: { "idempotency-key": `billing-only-${shopper.user}` },
		});
		expect(res.status).toBe(201);
		const placed = await json<{ order: OrderDetail; payment: { redirectUrl: string } }>(res);
		expect(placed.order).toMatchObject({
			address: null,
			shippingMethod: null,
			billing: { name: "Ada Reader", country: "DE" },
			shippingAmount: 0,
			taxRateBp: 1900,
			total: quote.due.total,
		});
		// The same key and body: the same order.
		const again = await s.call("POST", "/checkout", {
			caller: shopper,
			body: billingBody(),
			headers: { "idempotency-key": `billing-only-${shopper.user}` },
		});
		expect(again.status).toBe(201);
		expect((await json<{ order: { id: string } }>(again)).order.id).toBe(placed.order.id);

		await approvePayment(s, shopper, placed.payment.redirectUrl);
		const orderId = placed.order.id;
		const delivered = await orderWhen<OrderDetail>(s, shopper, orderId, (o) => o.status === "delivered");
		expect(delivered.address).toBeNull();
		// No shipment at all (staff see every one of the order).
		const shipments = await s.call("GET", `/fulfillment/admin/shipments?orderId=${orderId}`, { caller: ADMIN });
		expect(shipments.status).toBe(200);
		expect((await json<ShipmentList>(shipments)).items).toEqual([]);
		const got = await json<OrderDelivery>(await s.call("GET", `/delivery/orders/${orderId}`, { caller: shopper }));
		const mail = await pollFor(async () => {
			const [row] = await s.core.identity.identity.database.db.all<{ to: string; text: string }>(
				sql`SELECT "to", text FROM mail_outbox WHERE id = ${confirmationMailId(orderId)}`,
			);
			return row;
		});
		expect(mail.to).toBe(shopper.email);
		expect(mail.text).toContain(`${SHOP}${got.downloads[0]?.url}`);
		expect(mail.text).toContain("ONLY-0001");
		await Bun.sleep(300);
		expect(await mailsAbout(orderId)).toBe(1);
	}, 60_000);

	test("a booked service ships nothing either: billing only, no shipment, its invitation in the one mail; a refund has no shipment to wait for", async () => {
		const sku = `NS-${Date.now().toString(36)}`;
		const variantId = await appointmentService(s, sku, "Tuning session", 2);
		const shopper = await registerCustomer(s, "Booker");
		const slot = hour(6);
		const placed = await checkoutBooking(
			s,
			shopper,
			{ variantId, slot },
			billingBody({ name: "Bo Booker", country: "GB" }),
			`service-${shopper.user}`,
		);
		expect(placed.order).toMatchObject({ address: null, shippingMethod: null, taxRateBp: 2000, shippingAmount: 0 });
		await approvePayment(s, shopper, placed.payment.redirectUrl);
		const orderId = placed.order.id;
		await orderWhen<OrderDetail>(s, shopper, orderId, (o) => o.status === "delivered");
		const shipments = await s.call("GET", `/fulfillment/admin/shipments?orderId=${orderId}`, { caller: ADMIN });
		expect((await json<ShipmentList>(shipments)).items).toEqual([]);
		const mail = await pollFor(async () => {
			const [row] = await s.core.identity.identity.database.db.all<{ attachments: string | null }>(
				sql`SELECT attachments FROM mail_outbox WHERE id = ${confirmationMailId(orderId)}`,
			);
			return row;
		});
		expect(mail.attachments ?? "").toContain("booking-1.ics");
		expect(await mailsAbout(orderId)).toBe(1);

		// Refunded in full: the fulfillment consumer finds no shipment and acknowledges (nothing left waiting).
		const order = await json<OrderDetail>(await s.call("GET", `/orders/admin/${orderId}`, { caller: ADMIN }));
		const refund = await s.call("POST", `/orders/admin/${orderId}/refund`, {
			caller: ADMIN,
			body: { amount: order.total, reason: "cannot come" },
			headers: { "idempotency-key": `service-refund-${orderId}` },
		});
		expect(refund.status).toBe(202);
		await orderWhen<OrderDetail>(s, shopper, orderId, (o) => o.status === "refunded");
		await pollFor(async () => {
			const waiting = await s.core.bus.pending("fulfillment-refunds");
			return waiting.pending === 0 && !waiting.lag ? true : undefined;
		});
	}, 60_000);

	test("bad destinations are 4xx problems that hold nothing", async () => {
		const ebook = await seeded("download", 5);
		const [physical] = await pickVariants(s.core.catalog.catalog, s.core.inventory, 1, "physical", 9);
		const shopper = await registerCustomer(s, "Bad Destinations");
		const post = (body: unknown, key: string) =>
			s.call("POST", "/checkout", {
				caller: shopper,
				body,
				headers: { "idempotency-key": `bad-dest-${key}-${shopper.user}` },
			});
		await s.call("POST", "/cart/lines", { caller: shopper, body: { variantId: ebook.id, quantity: 1 } });
		// Neither an address nor billing, both, or a billing without a country.
		const { address: _a, shippingMethod: _m, ...bare } = checkoutBody();
		expect((await post(bare, "none")).status).toBe(400);
		expect((await post({ ...checkoutBody(), billing: { name: "A", country: "DE" } }, "both")).status).toBe(400);
		expect((await post(billingBody({ name: "A" }), "nocountry")).status).toBe(400);
		expect((await post(billingBody({ name: "A", country: "Germany" }), "badcountry")).status).toBe(400);
		// Something that ships: billing alone, or no method, is a 422 naming the field.
		await s.call("POST", "/cart/lines", {
			caller: shopper,
			body: { variantId: (physical as { id: string }).id, quantity: 1 },
		});
		const billingOnly = await post(billingBody(), "ships-billing");
		expect(billingOnly.status).toBe(422);
		expect((await json<{ errors: { path: string }[] }>(billingOnly)).errors[0]?.path).toBe("address");
		const { shippingMethod: _x, ...noMethod } = checkoutBody();
		const methodless = await post(noMethod, "ships-nomethod");
		expect(methodless.status).toBe(422);
		expect((await json<{ errors: { path: string }[] }>(methodless)).errors[0]?.path).toBe("shippingMethod");
		// Nothing was placed: the cart still holds both lines and the account no order.
		const cart = await json<{ lines: unknown[] }>(await s.call("GET", "/cart", { caller: shopper }));
		expect(cart.lines).toHaveLength(2);
		const list = await json<{ items: unknown[] }>(await s.call("GET", "/orders", { caller: shopper }));
		expect(list.items).toEqual([]);
	}, 60_000);
});

test("200 concurrent checkouts for the last 50 keys: 50 orders, 50 distinct keys, the rest out of stock", async () => {
	const app = await seeded("license_key", 2);
	const keys = Array.from({ length: 50 }, (_, i) => `RACE-${String(i).padStart(4, "0")}`);
	expect((await uploadKeys(app.id, keys)).status).toBe(201);
	const shoppers: Caller[] = [];
	for (let i = 0; i < 200; i += 25) {
		shoppers.push(...(await Promise.all(Array.from({ length: 25 }, (_, k) => registerCustomer(s, `Racer ${i + k}`)))));
	}
	await Promise.all(
		shoppers.map(async (caller) => {
			const res = await s.call("POST", "/cart/lines", { caller, body: { variantId: app.id, quantity: 1 } });
			expect(res.status).toBe(200);
		}),
	);
	const answers = await Promise.all(
		shoppers.map(async (caller, i) => {
			const res = await s.call("POST", "/checkout", {
				caller,
				body: checkoutBody(),
				headers: { "idempotency-key": `key-race-${i}-0000` },
			});
			return {
				caller,
				status: res.status,
				body: await json<{ type?: string; order?: { id: string }; payment?: { redirectUrl: string } }>(res),
			};
		}),
	);
	const won = answers.filter((a) => a.status === 201);
	expect(won).toHaveLength(50);
	for (const a of answers.filter((x) => x.status !== 201)) {
		expect(a.status).toBe(409);
		expect(a.body.type).toBe(OUT_OF_STOCK_TYPE);
	}
	await Promise.all(won.map((a) => approvePayment(s, a.caller, a.body.payment?.redirectUrl as string)));
	const issued = await Promise.all(
		won.map(async (a) => {
			const id = a.body.order?.id as string;
			await orderWhen<OrderDetail>(s, a.caller, id, (o) => o.status === "delivered", 60_000);
			const d = await json<OrderDelivery>(await s.call("GET", `/delivery/orders/${id}`, { caller: a.caller }));
			expect(d.keys).toHaveLength(1);
			return d.keys[0]?.key;
		}),
	);
	expect(new Set(issued).size).toBe(50);
	expect(await s.core.delivery.keyPool(app.id)).toMatchObject({ available: 0, issued: 50 });
}, 240_000);

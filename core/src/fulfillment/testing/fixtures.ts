import { join } from "node:path";
import { BUILTIN_CARRIER, CARRIER_SIGNATURE_HEADER, type CreateShipmentInput } from "@bazaar/contracts/fulfillment";
import type { Caller } from "@bazaar/signature";
import { Hono } from "hono";
import { type AppEnv, notFound, onError, requireSignature } from "../../lib/http";
import { SECRET, tempDir } from "../../testing/harness";
import { signedInit } from "../../testing/signed-init";
import { rows } from "../../testing/sql";
import { signCarrierPayload } from "../carrier-signature";
import { type FulfillmentModule, openFulfillment } from "../module";
import { fulfillmentAdminRoutes, fulfillmentPublicRoutes, fulfillmentRoutes } from "../routes";

// Fulfillment tests on real parts: a temporary libSQL file, the routes mounted as app.ts mounts
// them (the carrier webhook before the signature check), signed calls as the edge makes them.

export const CARRIER_SECRET = "carrier_test_secret_0123456789";
export const ALICE: Caller = { user: "usr_01ALICE0000000000000000000", roles: ["customer"] };
export const BOB: Caller = { user: "usr_01BOB000000000000000000000", roles: ["customer"] };
export const ADMIN: Caller = { user: "usr_01ADMIN000000000000000000", roles: ["admin"] };

export interface FulfillmentHarness {
	dir: string;
	mod: FulfillmentModule;
	/** The test's clock: move `clock.now` to age signatures. */
	clock: { now: number };
	call(
		method: string,
		path: string,
		init?: { body?: unknown; caller?: Caller; headers?: Record<string, string> },
	): Promise<Response>;
	/** POSTs a carrier webhook; signed with the right secret at the harness clock unless told otherwise. */
	webhook(body: unknown, sign?: { secret?: string; t?: number; header?: string | null }): Promise<Response>;
	/** Event types in the module's outbox, oldest first. */
	outbox(): Promise<string[]>;
	count(table: string): Promise<number>;
	close(): Promise<void>;
}

/** `carrierWebhookSecret: null` is a production core without CARRIER_WEBHOOK_SECRET. */
export async function fulfillmentHarness(
	options: { carrierWebhookSecret?: string | null } = {},
): Promise<FulfillmentHarness> {
	const dir = tempDir("bazaar-fulfillment-");
	const clock = { now: Date.now() };
	const mod = await openFulfillment({
		url: `file:${join(dir, "fulfillment.db")}`,
		carrierWebhookSecret: options.carrierWebhookSecret === undefined ? CARRIER_SECRET : options.carrierWebhookSecret,
		now: () => clock.now,
	});
	const app = new Hono<AppEnv>();
	app.route("/fulfillment", fulfillmentPublicRoutes(mod));
	app.use("*", requireSignature(SECRET));
	app.route("/fulfillment/admin", fulfillmentAdminRoutes(mod));
	app.route("/fulfillment", fulfillmentRoutes(mod));
	app.notFound(notFound);
	app.onError(onError);
	return {
		dir,
		mod,
		clock,
		async call(method, path, init = {}) {
			return app.request(path, await signedInit(method, path, init, ADMIN));
		},
		async webhook(body, sign = {}) {
			const raw = typeof body === "string" ? body : JSON.stringify(body);
			const t = sign.t ?? Math.floor(clock.now / 1000);
			const header =
				sign.header !== undefined ? sign.header : signCarrierPayload(sign.secret ?? CARRIER_SECRET, raw, t);
			return app.request("/fulfillment/webhooks/carrier", {
				method: "POST",
				headers: {
					"content-type": "application/json",
					...(header === null ? {} : { [CARRIER_SIGNATURE_HEADER]: header }),
				},
				body: raw,
			});
		},
		async outbox() {
			const res = await rows(mod.context.database, "SELECT type FROM bus_outbox ORDER BY seq");
			return res.map((r) => String(r.type));
		},
		async count(table) {
			const res = await rows(mod.context.database, `SELECT count(*) AS n FROM ${table}`);
			return Number(res[0]?.n ?? 0);
		},
		close: () => mod.stop(),
	};
}

let seq = 0;
/** A unique order id (ord_ + 26 base32 characters). */
export function orderId(): string {
	seq++;
	return `ord_01TEST${String(Date.now()).slice(-8)}${String(seq).padStart(12, "0")}`;
}

export const ADDRESS = {
	name: "Ada Shopper",
	line1: "1 Market Street",
	city: "San Francisco",
	region: "CA",
	postalCode: "94105",
	country: "US",
};

/** What the order.paid flow hands over for an order with physical lines (or only digital ones). */
export function paidOrder(overrides: Partial<CreateShipmentInput> & { digital?: boolean } = {}): CreateShipmentInput {
	const { digital, ...rest } = overrides;
	const mug = { variantId: "var_MUG", sku: "SKU-MUG", title: "Mug", quantity: 2 };
	const ebook = { variantId: "var_EBOOK", sku: "SKU-EBOOK", title: "E-book", quantity: 1 };
	return {
		orderId: orderId(),
		customerId: ALICE.user,
		shippingMethod: "standard",
		address: ADDRESS,
		physicalLines: digital ? [] : [mug],
		otherLines: [ebook],
		...rest,
	};
}

export function carrierEvent(trackingNumber: string, status: string, overrides: Record<string, unknown> = {}) {
	seq++;
	return {
		id: `ce_${Date.now()}_${seq}`,
		carrier: BUILTIN_CARRIER,
		trackingNumber,
		status,
		occurredAt: new Date().toISOString(),
		...overrides,
	};
}

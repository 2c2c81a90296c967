import { exports } from "cloudflare:workers";
import { ApiError, BazaarClient } from "@bazaar/client";
import { MailList } from "@bazaar/contracts/identity";
import { describe, expect, it } from "vitest";
import { ADMIN_LOGIN, core, ORIGIN } from "./helpers";

// packages/client against the real Worker (its fetch handler, real core behind it): what a
// developer's app does with it — browse, sign up, keep an address book, read orders, and as
// staff page through the admin lists.

const viaWorker = (input: string, init: RequestInit) => exports.default.fetch(new Request(input, init));
const client = new BazaarClient({ baseUrl: ORIGIN, fetch: viaWorker });
const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`;

describe("packages/client", () => {
	it("browses, signs up with the mailed token, keeps addresses and reads its orders", async () => {
		const products = await client.products({ limit: 2 });
		expect(products.items).toHaveLength(2);
		expect((await client.product(products.items[0]!.slug)).id).toBe(products.items[0]!.id);

		const email = `client-${unique()}@example.com`;
		expect(await client.register({ email, password: "correct horse battery", name: "Client App" })).toEqual({
			accepted: true,
		});
		const mail = await core().json(MailList, "GET", `/identity/dev/mail?to=${encodeURIComponent(email)}&limit=1`);
		const token = /\/account\/signup\/confirm\?token=([A-Za-z0-9_-]+)/.exec(mail.items[0]?.text ?? "")?.[1];
		const session = await client.confirmSignup(token!);
		const me = client.withToken(session.token);
		expect((await me.profile()).email).toBe(email);

		const address = await me.addAddress({
			recipient: "Client App",
			line1: "1 Market Street",
			city: "San Francisco",
			region: "CA",
			postalCode: "94105",
			country: "US",
		});
		expect((await me.updateAddress(address.id, { city: "Oakland" })).city).toBe("Oakland");
		expect((await me.addresses()).items.map((a) => a.id)).toEqual([address.id]);
		await me.deleteAddress(address.id);
		expect((await me.orders()).items).toEqual([]);

		const refused = await client.profile().catch((err: unknown) => err);
		expect(refused).toBeInstanceOf(ApiError);
		expect((refused as ApiError).status).toBe(401);
		expect((refused as ApiError).problem.status).toBe(401);
		await me.signOut();
		await expect(me.profile()).rejects.toMatchObject({ status: 401 });
	});

	it("pages through the admin lists as staff, and a customer is refused", async () => {
		const session = await client.signIn(ADMIN_LOGIN);
		const staff = client.withToken(session.token);
		const seen: string[] = [];
		for await (const product of staff.all((cursor) => staff.admin.products({ limit: 25, cursor }))) {
			seen.push(product.id);
		}
		expect(seen.length).toBeGreaterThan(25);
		expect(new Set(seen).size).toBe(seen.length);
		expect((await staff.admin.customers({ q: ADMIN_LOGIN.email })).items[0]?.roles).toContain("admin");
		expect((await staff.admin.orders({ limit: 1 })).items.length).toBeLessThanOrEqual(1);
		expect(Array.isArray((await staff.admin.shipments({ status: "pending" })).items)).toBe(true);
		expect(Array.isArray((await staff.admin.payments()).items)).toBe(true);
		expect(Array.isArray((await staff.admin.deadLetters()).items)).toBe(true);
		await expect(staff.admin.orders({ limit: 500 })).rejects.toMatchObject({ status: 400 });
		await expect(client.admin.orders()).rejects.toMatchObject({ status: 401 });
	});
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Address, AddressList } from "@bazaar/contracts/identity";
import { json } from "../testing/harness";
import { type IdentityHarness, identityHarness } from "./test-harness";

let h: IdentityHarness;
beforeAll(async () => {
	h = await identityHarness();
});
afterAll(() => h?.close());

const home = {
	label: "Home",
	recipient: "Ann Example",
	line1: "1 Main Street",
	city: "Springfield",
	region: "IL",
	postalCode: "62701",
	country: "us",
};

describe("address book", () => {
	test("create, list, read, update, delete; the first address is the default", async () => {
		const u = await h.signUp();
		const created = await h.call("POST", "/identity/me/addresses", { caller: u.caller, body: home });
		expect(created.status).toBe(201);
		const a = Address.parse(await json(created));
		expect(a).toMatchObject({ country: "US", defaultShipping: true, defaultBilling: true, line2: null });

		const office = Address.parse(
			await json(
				await h.call("POST", "/identity/me/addresses", {
					caller: u.caller,
					body: { ...home, label: "Office", country: "DE", postalCode: "10115", region: "", defaultShipping: true },
				}),
			),
		);
		expect(office).toMatchObject({ region: null, defaultShipping: true, defaultBilling: false });

		const list = AddressList.parse(await json(await h.call("GET", "/identity/me/addresses", { caller: u.caller })));
		expect(list.items.map((x) => [x.id, x.defaultShipping])).toEqual([
			[a.id, false],
			[office.id, true],
		]);

		const patched = await h.call("PATCH", `/identity/me/addresses/${a.id}`, {
			caller: u.caller,
			body: { line2: "Apt 4", defaultShipping: true },
		});
		expect(patched.status).toBe(200);
		expect(await json(patched)).toMatchObject({ line2: "Apt 4", defaultShipping: true, city: "Springfield" });
		const officeNow = Address.parse(
			await json(await h.call("GET", `/identity/me/addresses/${office.id}`, { caller: u.caller })),
		);
		expect(officeNow.defaultShipping).toBe(false);

		const del = await h.call("DELETE", `/identity/me/addresses/${office.id}`, { caller: u.caller });
		expect(del.status).toBe(204);
		expect((await h.call("GET", `/identity/me/addresses/${office.id}`, { caller: u.caller })).status).toBe(404);
	});

	test("someone else's address → 404 for read, update and delete, and it stays as it was", async () => {
		const owner = await h.signUp();
		const thief = await h.signUp();
		const a = Address.parse(
			await json(await h.call("POST", "/identity/me/addresses", { caller: owner.caller, body: home })),
		);
		const path = `/identity/me/addresses/${a.id}`;
		const tries = [
			await h.call("GET", path, { caller: thief.caller }),
			await h.call("PATCH", path, { caller: thief.caller, body: { city: "Elsewhere", defaultShipping: true } }),
			await h.call("DELETE", path, { caller: thief.caller }),
		];
		for (const res of tries) {
			expect(res.status).toBe(404);
			expect(res.headers.get("content-type")).toBe("application/problem+json");
		}
		expect(
			AddressList.parse(await json(await h.call("GET", "/identity/me/addresses", { caller: thief.caller }))).items,
		).toEqual([]);
		const still = Address.parse(await json(await h.call("GET", path, { caller: owner.caller })));
		expect(still).toEqual(a);
		// An id that cannot be an address id is a 404 too, not a 400 that tells ids apart.
		expect((await h.call("GET", "/identity/me/addresses/whatever", { caller: owner.caller })).status).toBe(404);
	});

	test("bad addresses → 400 and nothing stored", async () => {
		const u = await h.signUp();
		const bad = [
			{ ...home, country: "XX" },
			{ ...home, country: "USA" },
			{ ...home, country: "UK" },
			{ ...home, line1: "" },
			{ ...home, line1: "x".repeat(201) },
			{ ...home, postalCode: "<script>" },
			{ ...home, recipient: 42 },
			{ ...home, userId: "usr_01ARZ3NDEKTSV4RRFFQ69G5FAV" },
		];
		for (const body of bad) {
			const res = await h.call("POST", "/identity/me/addresses", { caller: u.caller, body });
			expect(res.status).toBe(400);
		}
		const empty = await h.call("PATCH", "/identity/me/addresses/adr_01ARZ3NDEKTSV4RRFFQ69G5FAV", {
			caller: u.caller,
			body: {},
		});
		expect(empty.status).toBe(400);
		expect(
			AddressList.parse(await json(await h.call("GET", "/identity/me/addresses", { caller: u.caller }))).items,
		).toEqual([]);
	});
});

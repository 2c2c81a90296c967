import { describe, expect, it } from "vitest";
import { alertOf, coreCall, csrfOf, get, Jar, post, type Shopper, signUp } from "./account-support";

// The address book pages: list, add, edit, delete through POST forms with the session's CSRF
// token, against the real identity module. Bad input is refused next to the form and changes
// nothing; so is a form without the token.

const HOME = {
	label: "Home",
	recipient: "Ada Lovelace",
	line1: "12 St James's Square",
	line2: "",
	city: "London",
	region: "",
	postalCode: "sw1y 4jh",
	country: "gb",
	phone: "+44 20 7946 0000",
	defaultShipping: "on",
};

type Address = { id: string; label: string | null; recipient: string; city: string; postalCode: string | null };

async function addresses(s: Shopper): Promise<Address[]> {
	const res = await coreCall("GET", "/identity/me/addresses", s.caller);
	expect(res.status).toBe(200);
	return res.body.items;
}

async function addressPage(s: Shopper) {
	const page = await get(s.jar, "/account/addresses");
	expect(page.res.status).toBe(200);
	return { ...page, csrf: csrfOf(page.html) };
}

async function add(s: Shopper, fields: Record<string, string> = HOME) {
	const { csrf } = await addressPage(s);
	return post(s.jar, "/account/addresses", { ...fields, csrf });
}

describe("address book", () => {
	it("sends anonymous visitors to log in (and back)", async () => {
		const { res } = await get(new Jar(), "/account/addresses");
		expect(res.status).toBe(303);
		expect(res.headers.get("location")).toBe("/account/login?next=%2Faccount%2Faddresses");
	});

	it("adds, lists, edits and deletes an address", async () => {
		const s = await signUp("Address Owner");
		const empty = await addressPage(s);
		expect(empty.html).toContain("You have no saved addresses yet.");
		expect(empty.res.headers.get("cache-control")).toBe("no-store");

		const added = await add(s);
		expect(added.res.status).toBe(303);
		expect(added.res.headers.get("location")).toBe("/account/addresses?done=added");
		const [saved] = await addresses(s);
		expect(saved).toMatchObject({ label: "Home", recipient: "Ada Lovelace", postalCode: "SW1Y 4JH", city: "London" });

		const list = await get(s.jar, "/account/addresses?done=added");
		expect(list.html).toContain("The address was added.");
		expect(list.html).toContain(`data-address-id="${saved!.id}"`);
		expect(list.html).toContain("12 St James&#39;s Square");
		expect(list.html).toContain("default shipping");

		const edit = await get(s.jar, `/account/addresses/${saved!.id}/edit`);
		expect(edit.res.status).toBe(200);
		expect(edit.html).toContain(`action="/account/addresses/${saved!.id}"`);
		expect(edit.html).toContain('value="Ada Lovelace"');
		const changed = await post(s.jar, `/account/addresses/${saved!.id}`, {
			...HOME,
			city: "Cambridge",
			label: "",
			csrf: csrfOf(edit.html),
		});
		expect(changed.res.status).toBe(303);
		expect(changed.res.headers.get("location")).toBe("/account/addresses?done=saved");
		const [after] = await addresses(s);
		expect(after).toMatchObject({ id: saved!.id, city: "Cambridge", label: null });

		const { csrf } = await addressPage(s);
		const gone = await post(s.jar, `/account/addresses/${saved!.id}/delete`, { csrf });
		expect(gone.res.status).toBe(303);
		expect(gone.res.headers.get("location")).toBe("/account/addresses?done=deleted");
		expect(await addresses(s)).toEqual([]);
		expect((await get(s.jar, `/account/addresses/${saved!.id}/edit`)).res.status).toBe(404);
	});

	it("refuses bad input next to the form with 422 and adds or changes nothing", async () => {
		const s = await signUp("Careless Typist");
		const huge = "x".repeat(10 * 1024);
		const bad: Record<string, string>[] = [
			{ ...HOME, recipient: "" },
			{ ...HOME, line1: huge },
			{ ...HOME, country: "Narnia" },
			{ ...HOME, country: "ZZ" },
			{ ...HOME, phone: "call me maybe" },
			Object.fromEntries(Object.entries(HOME).filter(([k]) => k !== "city")),
			{},
		];
		for (const fields of bad) {
			const { res, html } = await add(s, fields);
			expect(res.status, JSON.stringify(fields).slice(0, 80)).toBe(422);
			expect(alertOf(html)).not.toBeNull();
			expect(html).toContain("<code>");
		}
		// What was typed stays in the form.
		const kept = await add(s, { ...HOME, country: "Narnia" });
		expect(kept.html).toContain('value="Narnia"');
		expect(kept.html).toContain("<code>country</code>");
		expect(await addresses(s)).toEqual([]);

		expect((await add(s)).res.status).toBe(303);
		const [saved] = await addresses(s);
		const edit = await get(s.jar, `/account/addresses/${saved!.id}/edit`);
		const csrf = csrfOf(edit.html);
		for (const fields of bad) {
			const { res } = await post(s.jar, `/account/addresses/${saved!.id}`, { ...fields, csrf });
			expect(res.status).toBe(422);
		}
		expect(await addresses(s)).toEqual([saved]);
	});

	it("answers 413 for a form over the size limit and changes nothing", async () => {
		const s = await signUp("Big Sender");
		const { res } = await add(s, { ...HOME, line2: "y".repeat(20 * 1024) });
		expect(res.status).toBe(413);
		expect(await addresses(s)).toEqual([]);
	});

	it("refuses add, edit and delete without the session's CSRF token (403) and changes nothing", async () => {
		const s = await signUp("Csrf Victim");
		expect((await add(s)).res.status).toBe(303);
		const [saved] = await addresses(s);
		const other = await signUp("Other Shopper");
		const otherCsrf = (await addressPage(other)).csrf;
		const { csrf } = await addressPage(s);

		const forms: [string, Record<string, string>][] = [
			["/account/addresses", { ...HOME, recipient: "Injected" }],
			[`/account/addresses/${saved!.id}`, { ...HOME, recipient: "Injected" }],
			[`/account/addresses/${saved!.id}/delete`, {}],
		];
		for (const [path, fields] of forms) {
			expect((await post(s.jar, path, fields)).res.status, path).toBe(403);
			expect((await post(s.jar, path, { ...fields, csrf: "A".repeat(43) })).res.status, path).toBe(403);
			expect((await post(s.jar, path, { ...fields, csrf: otherCsrf })).res.status, path).toBe(403);
			const cross = await post(s.jar, path, { ...fields, csrf }, { origin: "https://evil.example" });
			expect(cross.res.status, path).toBe(403);
		}
		expect(await addresses(s)).toEqual([saved]);
	});

	it("treats another shopper's address as missing (404) and leaves it alone", async () => {
		const owner = await signUp("Owner");
		expect((await add(owner)).res.status).toBe(303);
		const [theirs] = await addresses(owner);
		const intruder = await signUp("Intruder");
		const { csrf } = await addressPage(intruder);

		expect((await get(intruder.jar, `/account/addresses/${theirs!.id}/edit`)).res.status).toBe(404);
		const edit = await post(intruder.jar, `/account/addresses/${theirs!.id}`, { ...HOME, city: "Elsewhere", csrf });
		expect(edit.res.status).toBe(404);
		const del = await post(intruder.jar, `/account/addresses/${theirs!.id}/delete`, { csrf });
		expect(del.res.status).toBe(404);
		expect((await get(intruder.jar, "/account/addresses/not-an-id/edit")).res.status).toBe(404);
		expect((await post(intruder.jar, "/account/addresses/..%2F..%2Fme/delete", { csrf })).res.status).toBe(404);
		expect(await addresses(owner)).toEqual([theirs]);
	});
});

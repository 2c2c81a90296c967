import { zodProblem } from "@bazaar/contracts";
import { AddressId, AddressInput } from "@bazaar/contracts/identity";
import { Hono } from "hono";
import type { AppContext, AppEnv } from "../env";
import type { CoreAnswer } from "../lib/core-call";
import { callerOf } from "../lib/core-call";
import { checkedForm } from "../lib/forms";
import { identity } from "../lib/identity";
import { coreTrouble, errorPage, personalPage as page, seeOther } from "../lib/personal-page";
import { endSession } from "../session/middleware";
import type { ActiveSession } from "../session/store";
import { AddressEditPage, AddressesPage, type AddressFormValues, valuesOf } from "../views/account-addresses";
import type { FormMessage } from "../views/account-pages";

// The address book at /account/addresses: list, add, edit, delete. Plain POST forms (HTML has
// no PATCH or DELETE), each with the session's CSRF token. A form is checked against the same
// contract the core uses before it is sent, and the core checks it again; a refusal is shown
// next to the form with 422 and changes nothing.

export const accountAddresses = new Hono<AppEnv>();

const TEXT_FIELDS = [
	"label",
	"recipient",
	"line1",
	"line2",
	"city",
	"region",
	"postalCode",
	"country",
	"phone",
] as const;

const DONE: Record<string, string> = {
	added: "The address was added.",
	saved: "The address was saved.",
	deleted: "The address was deleted.",
};

/** The form as typed (for showing it again) and as the contract reads it. */
function readAddressForm(fields: Record<string, string>) {
	const values: AddressFormValues = {
		defaultShipping: fields.defaultShipping === "on",
		defaultBilling: fields.defaultBilling === "on",
	};
	const raw: Record<string, unknown> = { ...values };
	for (const name of TEXT_FIELDS) {
		const v = fields[name];
		if (v === undefined) continue;
		values[name] = v;
		raw[name] = v;
	}
	const parsed = AddressInput.safeParse(raw);
	if (parsed.success) return { values, input: parsed.data, message: null };
	const p = zodProblem(parsed.error, "Check the address: some fields are missing or not valid.");
	return { values, input: null, message: { text: p.detail ?? p.title, errors: p.errors } as FormMessage };
}

/** A signed-in shopper's session, or the redirect to log in (and back here). */
function signedIn(c: AppContext): ActiveSession | Response {
	const session = c.get("session");
	if (session) return session;
	return seeOther(c, `/account/login?next=${encodeURIComponent(new URL(c.req.url).pathname)}`);
}

/** A refusal the shopper cannot fix on this form. */
async function trouble(c: AppContext, answer: Extract<CoreAnswer<unknown>, { ok: false }>) {
	if (answer.status === 401) {
		await endSession(c);
		return seeOther(c, "/account/login");
	}
	if (answer.status === 404) return errorPage(c, 404, "There is no such address in your address book.");
	return coreTrouble(c, answer.status);
}

const coreMessage = (answer: Extract<CoreAnswer<unknown>, { ok: false }>): FormMessage | null =>
	answer.status === 400 || answer.status === 409 || answer.status === 422
		? { text: answer.problem.detail ?? answer.problem.title, errors: answer.problem.errors }
		: null;

async function listPage(
	c: AppContext,
	session: ActiveSession,
	status: number,
	add?: { message: FormMessage; values: AddressFormValues },
) {
	const list = await identity.addresses(c.env, callerOf(c, session));
	if (!list.ok) return trouble(c, list);
	const done = DONE[c.req.query("done") ?? ""];
	return page(c, status, <AddressesPage csrf={session.csrf} addresses={list.value.items} done={done} add={add} />);
}

accountAddresses.get("/", async (c) => {
	const session = signedIn(c);
	if (session instanceof Response) return session;
	return listPage(c, session, 200);
});

accountAddresses.post("/", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const form = readAddressForm(fields);
	if (!form.input) return listPage(c, session, 422, { message: form.message, values: form.values });
	const result = await identity.addAddress(c.env, callerOf(c, session), form.input);
	if (result.ok) return seeOther(c, "/account/addresses?done=added");
	const message = coreMessage(result);
	if (!message) return trouble(c, result);
	return listPage(c, session, 422, { message, values: form.values });
});

const validId = (id: string) => AddressId.safeParse(id).success;

accountAddresses.get("/:id/edit", async (c) => {
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const id = c.req.param("id");
	if (!validId(id)) return errorPage(c, 404, "There is no such address in your address book.");
	const found = await identity.address(c.env, callerOf(c, session), id);
	if (!found.ok) return trouble(c, found);
	return page(c, 200, <AddressEditPage csrf={session.csrf} id={id} values={valuesOf(found.value)} />);
});

accountAddresses.post("/:id", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const id = c.req.param("id");
	if (!validId(id)) return errorPage(c, 404, "There is no such address in your address book.");
	const form = readAddressForm(fields);
	const again = (message: FormMessage) =>
		page(c, 422, <AddressEditPage csrf={session.csrf} id={id} values={form.values} message={message} />);
	// The edit form sends every field, so it is read as a whole address, never a partial patch.
	if (!form.input) return again(form.message);
	const result = await identity.updateAddress(c.env, callerOf(c, session), id, form.input);
	if (result.ok) return seeOther(c, "/account/addresses?done=saved");
	const message = coreMessage(result);
	return message ? again(message) : trouble(c, result);
});

accountAddresses.post("/:id/delete", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const id = c.req.param("id");
	if (!validId(id)) return errorPage(c, 404, "There is no such address in your address book.");
	const result = await identity.deleteAddress(c.env, callerOf(c, session), id);
	if (result.ok) return seeOther(c, "/account/addresses?done=deleted");
	return trouble(c, result);
});

import { GuestEmail } from "@bazaar/contracts/checkout";
import { AddressId } from "@bazaar/contracts/identity";
import { Address, Billing, IdempotencyKey, ShippingMethod } from "@bazaar/contracts/order";
import type { AddressChoice } from "./core";

// The checkout's state between its steps lives in the forms themselves (hidden fields): the
// address (a book entry's id, or the fields of a new one), the shipping method, and on the
// review the Idempotency-Key. Nothing in them is trusted: the core checks that an address id is
// the shopper's own and prices everything again from the cart at every step.

export const ADDRESS_FIELDS = ["name", "line1", "line2", "city", "region", "postalCode", "country", "phone"] as const;
export type AddressFields = Partial<Record<(typeof ADDRESS_FIELDS)[number], string>>;
export type FieldError = { path: string; message: string };

/** The value of the address picker that means "the fields below". */
export const NEW_ADDRESS = "new";
/** `destination` of the form of a cart with nothing to ship: its fields are the billing (name, country, region). */
export const BILLING_DESTINATION = "billing";

const BILLING_FIELDS = ["name", "country", "region"] as const;

export type ParsedChoice =
	| { ok: true; choice: AddressChoice; save: boolean; fields: AddressFields }
	| { ok: false; errors: FieldError[]; fields: AddressFields };

/** The address the form names: a book entry (`addressId`) or new fields, validated as the order will. */
export function addressChoiceOf(form: Record<string, string>): ParsedChoice {
	const fields: AddressFields = {};
	for (const k of ADDRESS_FIELDS) if (form[k] !== undefined) fields[k] = form[k];
	if (form.destination === BILLING_DESTINATION) return billingChoiceOf(fields);
	const picked = form.addressId ?? NEW_ADDRESS;
	if (picked !== NEW_ADDRESS) {
		return AddressId.safeParse(picked).success
			? { ok: true, choice: { addressId: picked }, save: false, fields }
			: { ok: false, errors: [{ path: "addressId", message: "pick one of your addresses" }], fields };
	}
	// Empty optional fields are absent, not empty strings the order would keep.
	const given = Object.fromEntries(Object.entries(fields).filter(([, v]) => v.trim() !== ""));
	const parsed = Address.safeParse(given);
	if (!parsed.success) {
		return {
			ok: false,
			errors: parsed.error.issues.map((i) => ({ path: i.path.join(".") || "address", message: i.message })),
			fields,
		};
	}
	const address = Object.fromEntries(
		Object.entries(parsed.data).filter((e): e is [string, string] => typeof e[1] === "string"),
	);
	return { ok: true, choice: { address }, save: form.save === "on", fields };
}

/** A cart with nothing to ship: the billing fields, validated as the order will. */
function billingChoiceOf(fields: AddressFields): ParsedChoice {
	const given = Object.fromEntries(
		BILLING_FIELDS.flatMap((k) => (fields[k] !== undefined && fields[k].trim() !== "" ? [[k, fields[k]]] : [])),
	);
	const parsed = Billing.safeParse(given);
	if (!parsed.success) {
		return {
			ok: false,
			errors: parsed.error.issues.map((i) => ({ path: i.path.join(".") || "billing", message: i.message })),
			fields,
		};
	}
	const billing = Object.fromEntries(
		Object.entries(parsed.data).filter((e): e is [string, string] => typeof e[1] === "string"),
	);
	return { ok: true, choice: { billing }, save: false, fields };
}

/** The hidden fields that carry an address choice to the next step. */
export function choiceFields(choice: AddressChoice): Record<string, string> {
	if ("billing" in choice) return { destination: BILLING_DESTINATION, ...choice.billing };
	return "addressId" in choice ? { addressId: choice.addressId } : { addressId: NEW_ADDRESS, ...choice.address };
}

/** The identity module's AddressInput for a new address the shopper asked to keep. */
export function bookEntryOf(address: Record<string, string>) {
	return {
		recipient: address.name,
		line1: address.line1,
		...(address.line2 ? { line2: address.line2 } : {}),
		city: address.city,
		...(address.region ? { region: address.region } : {}),
		postalCode: address.postalCode,
		country: address.country,
		...(address.phone ? { phone: address.phone } : {}),
	};
}

export function shippingMethodOf(form: Record<string, string>) {
	const parsed = ShippingMethod.safeParse(form.shippingMethod);
	return parsed.success ? parsed.data : null;
}

export function idempotencyKeyOf(value: string | undefined) {
	const parsed = IdempotencyKey.safeParse(value);
	return parsed.success ? parsed.data : null;
}

/**
 * A guest's email from the form (their order and its mail go there), as the core will check it;
 * a signed-in shopper's form has none (the account's address is used).
 */
export function guestEmailOf(
	form: Record<string, string>,
	guest: boolean,
): { ok: true; email: string | undefined } | { ok: false; errors: FieldError[] } {
	if (!guest) return { ok: true, email: undefined };
	const parsed = GuestEmail.safeParse(form.email ?? "");
	return parsed.success
		? { ok: true, email: parsed.data }
		: { ok: false, errors: [{ path: "email", message: "an email address such as you@example.com" }] };
}

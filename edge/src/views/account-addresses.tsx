import type { Address } from "@bazaar/contracts/identity";
import { AccountNav, Csrf, Done, type FormMessage, Message } from "./account-pages";
import { Layout } from "./layout";

// The address book: the list with edit and delete, and one form for adding or editing.

/** What the form shows: the saved address, or what was typed when the core said no. */
export type AddressFormValues = Partial<Record<AddressTextField, string>> & {
	defaultShipping?: boolean;
	defaultBilling?: boolean;
};

type AddressTextField =
	| "label"
	| "recipient"
	| "line1"
	| "line2"
	| "city"
	| "region"
	| "postalCode"
	| "country"
	| "phone";

const FIELDS: { name: AddressTextField; label: string; required?: boolean; max: number; autocomplete: string }[] = [
	{ name: "label", label: "Label (e.g. Home)", max: 40, autocomplete: "off" },
	{ name: "recipient", label: "Recipient", required: true, max: 100, autocomplete: "name" },
	{ name: "line1", label: "Address line 1", required: true, max: 200, autocomplete: "address-line1" },
	{ name: "line2", label: "Address line 2", max: 200, autocomplete: "address-line2" },
	{ name: "city", label: "City", required: true, max: 100, autocomplete: "address-level2" },
	{ name: "region", label: "State / region", max: 100, autocomplete: "address-level1" },
	{ name: "postalCode", label: "Postal code", max: 20, autocomplete: "postal-code" },
	{ name: "country", label: "Country code (e.g. US)", required: true, max: 2, autocomplete: "country" },
	{ name: "phone", label: "Phone", max: 30, autocomplete: "tel" },
];

export function valuesOf(a: Address): AddressFormValues {
	return {
		label: a.label ?? "",
		recipient: a.recipient,
		line1: a.line1,
		line2: a.line2 ?? "",
		city: a.city,
		region: a.region ?? "",
		postalCode: a.postalCode ?? "",
		country: a.country,
		phone: a.phone ?? "",
		defaultShipping: a.defaultShipping,
		defaultBilling: a.defaultBilling,
	};
}

function AddressForm(props: { action: string; csrf: string; values: AddressFormValues; submit: string }) {
	const v = props.values;
	return (
		<form action={props.action} method="post" class="address-form">
			<Csrf token={props.csrf} />
			{FIELDS.map((f) => (
				<p>
					<label>
						{f.label}{" "}
						<input
							name={f.name}
							autocomplete={f.autocomplete}
							maxlength={f.max}
							required={f.required ?? false}
							value={v[f.name] ?? ""}
						/>
					</label>
				</p>
			))}
			<p>
				<label>
					<input type="checkbox" name="defaultShipping" value="on" checked={v.defaultShipping ?? false} /> Default
					shipping address
				</label>
			</p>
			<p>
				<label>
					<input type="checkbox" name="defaultBilling" value="on" checked={v.defaultBilling ?? false} /> Default billing
					address
				</label>
			</p>
			<button type="submit">{props.submit}</button>
		</form>
	);
}

export function AddressBlock({ address }: { address: Address }) {
	return (
		<address>
			{address.recipient}
			<br />
			{address.line1}
			{address.line2 ? (
				<>
					<br />
					{address.line2}
				</>
			) : null}
			<br />
			{[address.postalCode, address.city, address.region].filter(Boolean).join(" ")}
			<br />
			{address.country}
			{address.phone ? (
				<>
					<br />
					{address.phone}
				</>
			) : null}
		</address>
	);
}

export function AddressesPage(props: {
	csrf: string;
	addresses: Address[];
	done?: string | undefined;
	/** The add form sent back with its problem. */
	add?: { message: FormMessage; values: AddressFormValues } | undefined;
}) {
	return (
		<Layout title="Your addresses">
			<h1>Your addresses</h1>
			<AccountNav current="addresses" />
			<Done text={props.done} />
			{props.addresses.length === 0 ? (
				<p>You have no saved addresses yet.</p>
			) : (
				<ul class="addresses">
					{props.addresses.map((a) => (
						<li data-address-id={a.id}>
							{a.label ? <strong>{a.label}</strong> : null}
							{a.defaultShipping ? <span class="tag">default shipping</span> : null}
							{a.defaultBilling ? <span class="tag">default billing</span> : null}
							<AddressBlock address={a} />
							<a href={`/account/addresses/${a.id}/edit`}>Edit</a>
							<form action={`/account/addresses/${a.id}/delete`} method="post" class="inline">
								<Csrf token={props.csrf} />
								<button type="submit">Delete</button>
							</form>
						</li>
					))}
				</ul>
			)}
			<section class="account-section" id="add">
				<h2>Add an address</h2>
				<Message message={props.add?.message} />
				<AddressForm
					action="/account/addresses"
					csrf={props.csrf}
					values={props.add?.values ?? {}}
					submit="Add address"
				/>
			</section>
		</Layout>
	);
}

export function AddressEditPage(props: {
	csrf: string;
	id: string;
	values: AddressFormValues;
	message?: FormMessage | undefined;
}) {
	return (
		<Layout title="Edit address">
			<h1>Edit address</h1>
			<AccountNav current="addresses" />
			<Message message={props.message} />
			<AddressForm action={`/account/addresses/${props.id}`} csrf={props.csrf} values={props.values} submit="Save" />
			<p>
				<a href="/account/addresses">Back to your addresses</a>
			</p>
		</Layout>
	);
}

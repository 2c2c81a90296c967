import type { Product, Variant } from "@bazaar/contracts";
import { type Money, minorDigits, parseDecimal, SUPPORTED_CURRENCIES } from "@bazaar/money";
import type { FormMessage } from "../views/account-pages";

// The catalog forms' fields turned into the admin API's bodies (ProductInput, ProductPatch,
// VariantInput, VariantPatch), and products back into field values for the edit form. Only what a
// form cannot say in JSON's terms is checked here (a price typed as "12.50", a whole number); the
// rules themselves are the core's, and its 4xx comes back next to the form.

export type Fields = Record<string, string>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: FormMessage };

type Errors = { path: string; message: string }[];

const text = (fields: Fields, name: string) => (fields[name] ?? "").trim();

const optionalNumber = (name: string, value: number | null) => (value === null ? {} : { [name]: value });

function wholeNumber(fields: Fields, name: string, errors: Errors): number | null {
	const raw = text(fields, name);
	if (raw === "") return null;
	if (!/^-?\d{1,15}$/.test(raw)) {
		errors.push({ path: name, message: "a whole number" });
		return null;
	}
	return Number(raw);
}

/** `price.USD` … one field per currency the shop sells in; an empty one is not sold in it. */
function prices(fields: Fields, prefix: string, errors: Errors): Money[] {
	const out: Money[] = [];
	for (const currency of SUPPORTED_CURRENCIES) {
		const raw = text(fields, `${prefix}.${currency}`);
		if (raw === "") continue;
		try {
			out.push({ amount: parseDecimal(raw, currency), currency });
		} catch {
			const places = minorDigits(currency);
			errors.push({
				path: `${prefix}.${currency}`,
				message: places === 0 ? "a whole amount such as 1200" : `an amount such as 12.${"5".padEnd(places, "0")}`,
			});
		}
	}
	return out;
}

/** "name: value, value" per line (attributes). */
function lists(raw: string): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	for (const line of raw.split(/\r?\n/)) {
		const at = line.indexOf(":");
		if (at < 0) continue;
		const name = line.slice(0, at).trim();
		const values = line
			.slice(at + 1)
			.split(",")
			.map((v) => v.trim())
			.filter(Boolean);
		if (name && values.length > 0) out[name] = values;
	}
	return out;
}

/** "Name: value" per line (a variant's options). */
function pairs(raw: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, values] of Object.entries(lists(raw))) out[name] = values.join(", ");
	return out;
}

const linesOf = (record: Record<string, string | string[]>) =>
	Object.entries(record)
		.map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : v}`)
		.join("\n");

function done<T>(value: T, errors: Errors): Parsed<T> {
	if (errors.length === 0) return { ok: true, value };
	return { ok: false, message: { text: "Some fields need another look.", errors } };
}

function kindDetails(fields: Fields, kind: string, errors: Errors) {
	const digital =
		kind === "digital"
			? {
					format: text(fields, "digital.format"),
					sizeBytes: wholeNumber(fields, "digital.sizeBytes", errors) ?? 0,
					delivery: text(fields, "digital.delivery") || "download",
				}
			: null;
	const service =
		kind === "service"
			? {
					durationMinutes: wholeNumber(fields, "service.durationMinutes", errors),
					billing: text(fields, "service.billing") || "one_time",
					booking: text(fields, "service.booking") || "none",
					// Empty: the shop's default cut-off (the core's range check answers a bad number).
					...optionalNumber("cancelCutoffHours", wholeNumber(fields, "service.cancelCutoffHours", errors)),
				}
			: null;
	return { digital, service };
}

function productFields(fields: Fields, kind: string, errors: Errors) {
	const slug = text(fields, "slug");
	return {
		...(slug ? { slug } : {}),
		status: text(fields, "status") || "active",
		title: text(fields, "title"),
		description: fields.description ?? "",
		brand: text(fields, "brand") || null,
		categoryId: text(fields, "categoryId"),
		attributes: lists(fields.attributes ?? ""),
		...kindDetails(fields, kind, errors),
	};
}

function variantFields(fields: Fields, errors: Errors) {
	const title = text(fields, "variant.title");
	return {
		...(title ? { title } : {}),
		options: pairs(fields["variant.options"] ?? ""),
		prices: prices(fields, "price", errors),
		weightGrams: wholeNumber(fields, "variant.weightGrams", errors),
	};
}

/** The new-product form: the product and its first variant. */
export function productInputFrom(fields: Fields): Parsed<unknown> {
	const errors: Errors = [];
	const kind = text(fields, "kind");
	const variant = { sku: text(fields, "variant.sku"), ...variantFields(fields, errors) };
	return done({ kind, ...productFields(fields, kind, errors), variants: [variant] }, errors);
}

export function productPatchFrom(fields: Fields, kind: string): Parsed<unknown> {
	const errors: Errors = [];
	const { slug, ...rest } = productFields(fields, kind, errors);
	// An empty slug on the edit form keeps the one the product has.
	return done(slug ? { slug, ...rest } : rest, errors);
}

export function variantInputFrom(fields: Fields): Parsed<unknown> {
	const errors: Errors = [];
	return done({ sku: text(fields, "variant.sku"), ...variantFields(fields, errors) }, errors);
}

export function variantPatchFrom(fields: Fields): Parsed<unknown> {
	const errors: Errors = [];
	const { title, ...rest } = variantFields(fields, errors);
	return done({ ...(title ? { title } : {}), ...rest, inStock: fields["variant.inStock"] === "on" }, errors);
}

/** A product as the edit form's values. */
export function productValues(p: Product): Fields {
	return {
		kind: p.kind,
		title: p.title,
		slug: p.slug,
		description: p.description,
		brand: p.brand ?? "",
		categoryId: p.category.id,
		status: p.status,
		attributes: linesOf(p.attributes),
		"digital.format": p.digital?.format ?? "",
		"digital.sizeBytes": p.digital ? String(p.digital.sizeBytes) : "",
		"digital.delivery": p.digital?.delivery ?? "download",
		"service.durationMinutes": p.service?.durationMinutes ? String(p.service.durationMinutes) : "",
		"service.billing": p.service?.billing ?? "one_time",
		"service.booking": p.service?.booking ?? "none",
		"service.cancelCutoffHours": p.service?.cancelCutoffHours !== undefined ? String(p.service.cancelCutoffHours) : "",
	};
}

/** A variant as its form's values (prices as decimals a person reads). */
export function variantValues(v: Variant): Fields {
	const out: Fields = {
		"variant.sku": v.sku,
		"variant.title": v.title,
		"variant.options": linesOf(v.options),
		"variant.weightGrams": v.weightGrams === null ? "" : String(v.weightGrams),
		"variant.inStock": v.inStock ? "on" : "",
	};
	for (const m of v.prices) out[`price.${m.currency}`] = decimal(m);
	return out;
}

export function decimal(m: Money): string {
	const places = minorDigits(m.currency);
	if (places === 0) return String(m.amount);
	const s = String(m.amount).padStart(places + 1, "0");
	return `${s.slice(0, -places)}.${s.slice(-places)}`;
}

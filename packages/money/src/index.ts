import { z } from "zod";

// Money is an integer amount in the currency's minor unit (cents for USD, yen for JPY).
// Floats never touch money: every operation here stays in safe integers or throws.
export const Currency = z
	.string()
	.regex(/^[A-Z]{3}$/, "ISO 4217 code, e.g. USD")
	.describe("ISO 4217 currency code");
export type Currency = z.infer<typeof Currency>;

export const Money = z.object({
	amount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
	currency: Currency,
});
export type Money = z.infer<typeof Money>;

export const SUPPORTED_CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CNY"] as const;
export const DEFAULT_CURRENCY = "USD";

export function minorDigits(currency: string): number {
	return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function money(amount: number, currency: string): Money {
	if (!Number.isSafeInteger(amount)) throw new RangeError(`money amount must be a safe integer, got ${amount}`);
	return { amount, currency };
}

export function add(a: Money, b: Money): Money {
	if (a.currency !== b.currency) throw new RangeError(`cannot add ${a.currency} to ${b.currency}`);
	return money(a.amount + b.amount, a.currency);
}

export function multiply(a: Money, quantity: number): Money {
	if (!Number.isSafeInteger(quantity)) throw new RangeError("quantity must be an integer");
	return money(a.amount * quantity, a.currency);
}

/** Rounds half away from zero: basis points (1/100 of a percent) of an amount, e.g. tax rates. */
export function percentOf(a: Money, basisPoints: number): Money {
	const raw = (a.amount * basisPoints) / 10_000;
	return money(Math.sign(raw) * Math.round(Math.abs(raw)), a.currency);
}

/** "1234" minor units of EUR → "12.34", of JPY → "1234", of KWD → "1.234": exact, never a float. */
export function decimalString(amount: number, currency: string): string {
	const digits = minorDigits(currency);
	const sign = amount < 0 ? "-" : "";
	const abs = String(Math.abs(amount));
	if (digits === 0) return sign + abs;
	const text = abs.padStart(digits + 1, "0");
	return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

const formatters = new Map<string, Intl.NumberFormat>();
/**
 * The amount as the shopper's locale writes it, with the currency's own number of decimals
 * (¥1,200; KWD 1.250; 12,50 € in de-DE). Intl formats the exact decimal string, so no amount is
 * ever rounded through a float on its way to the page.
 */
export function formatMoney(m: Money, locale = "en-US"): string {
	const key = `${locale}:${m.currency}`;
	let f = formatters.get(key);
	if (!f) {
		f = new Intl.NumberFormat(locale, { style: "currency", currency: m.currency });
		formatters.set(key, f);
	}
	// Intl.NumberFormat v3 (ES2023) formats a decimal string exactly; its types still say number.
	return f.format(decimalString(m.amount, m.currency) as unknown as number);
}

/** Parses a decimal string a person typed ("12.5") into minor units without float rounding. */
export function parseDecimal(text: string, currency: string): number {
	const digits = minorDigits(currency);
	const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
	if (!match) throw new RangeError(`not a decimal amount: ${text}`);
	const frac = (match[2] ?? "").padEnd(digits, "0");
	if (frac.length > digits) throw new RangeError(`${currency} has ${digits} decimal places`);
	return Number(match[1]) * 10 ** digits + Number(frac || "0");
}

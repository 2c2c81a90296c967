import { type Money, minorDigits, parseDecimal } from "@bazaar/money";
import { ServiceError } from "../../lib/errors";

// PayPal takes amounts as decimal strings ("44.49", "1200" for JPY). Our money is integer minor
// units, so this converts by string, never through floats. PayPal accepts no decimals at all for
// HUF, JPY and TWD even where ISO 4217 has two (HUF, TWD): those amounts must be whole units.

const PAYPAL_WHOLE_UNITS = new Set(["HUF", "JPY", "TWD"]);

export interface PayPalMoney {
	currency_code: string;
	value: string;
}

export function toPayPalAmount(m: Money): PayPalMoney {
	const digits = minorDigits(m.currency);
	const paypalDigits = PAYPAL_WHOLE_UNITS.has(m.currency) ? 0 : digits;
	const cut = 10 ** (digits - paypalDigits);
	if (m.amount % cut !== 0) {
		throw new ServiceError(422, `PayPal takes ${m.currency} amounts in whole units only.`);
	}
	const units = String(m.amount / cut).padStart(paypalDigits + 1, "0");
	const value = paypalDigits === 0 ? units : `${units.slice(0, -paypalDigits)}.${units.slice(-paypalDigits)}`;
	return { currency_code: m.currency, value };
}

export function fromPayPalAmount(a: PayPalMoney): Money {
	return { amount: parseDecimal(a.value, a.currency_code), currency: a.currency_code };
}

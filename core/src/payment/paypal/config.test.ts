import { describe, expect, test } from "bun:test";
import { fromPayPalAmount, toPayPalAmount } from "./amount";
import { loadPayPalConfig, PAYPAL_API_URLS, PayPalConfigError } from "./config";

const full = {
	PAYPAL_CLIENT_ID: "AclientId123",
	PAYPAL_CLIENT_SECRET: "EsecretValue-never-shown",
	PAYPAL_WEBHOOK_ID: "8PT597110X687430LKGECATA",
};

describe("PayPal settings from env", () => {
	test("off unless a client id is set", () => {
		expect(loadPayPalConfig({})).toBeNull();
		expect(loadPayPalConfig({ PAYPAL_CLIENT_ID: " ", PAYPAL_MODE: "" })).toBeNull();
	});

	test("sandbox by default; live by PAYPAL_MODE; PAYPAL_API_URL overrides the base", () => {
		expect(loadPayPalConfig(full)).toEqual({
			clientId: "AclientId123",
			clientSecret: "EsecretValue-never-shown",
			webhookId: "8PT597110X687430LKGECATA",
			mode: "sandbox",
			apiUrl: "https://api-m.sandbox.paypal.com",
		});
		expect(loadPayPalConfig({ ...full, PAYPAL_MODE: "live" })?.apiUrl).toBe(PAYPAL_API_URLS.live);
		expect(loadPayPalConfig({ ...full, PAYPAL_API_URL: "http://127.0.0.1:9999/" })?.apiUrl).toBe(
			"http://127.0.0.1:9999",
		);
	});

	test("half a configuration is refused, naming what is missing and never a value", () => {
		const missing = () =>
			loadPayPalConfig({ PAYPAL_CLIENT_ID: "Aid", PAYPAL_CLIENT_SECRET: full.PAYPAL_CLIENT_SECRET });
		expect(missing).toThrow(PayPalConfigError);
		expect(missing).toThrow("PAYPAL_CLIENT_ID is set, so PAYPAL_WEBHOOK_ID must be set too.");
		const bad = () => loadPayPalConfig({ ...full, PAYPAL_MODE: "production", PAYPAL_WEBHOOK_ID: "not valid!" });
		expect(bad).toThrow("PayPal settings are invalid: PAYPAL_WEBHOOK_ID, PAYPAL_MODE.");
		const tooLong = () => loadPayPalConfig({ ...full, PAYPAL_CLIENT_SECRET: "x".repeat(300) });
		expect(tooLong).toThrow("PayPal settings are invalid: PAYPAL_CLIENT_SECRET.");
	});
});

describe("PayPal amounts", () => {
	test("minor units to PayPal's decimal strings and back, with no floats", () => {
		const cases: [number, string, string][] = [
			[4449, "USD", "44.49"],
			[5, "EUR", "0.05"],
			[100, "GBP", "1.00"],
			[1200, "JPY", "1200"],
			[12345, "CNY", "123.45"],
			[900719925474099, "USD", "9007199254740.99"],
		];
		for (const [amount, currency, value] of cases) {
			expect(toPayPalAmount({ amount, currency })).toEqual({ currency_code: currency, value });
			expect(fromPayPalAmount({ currency_code: currency, value })).toEqual({ amount, currency });
		}
		expect(fromPayPalAmount({ currency_code: "USD", value: "10" })).toEqual({ amount: 1000, currency: "USD" });
	});

	test("PayPal's whole-unit currencies (HUF, TWD) refuse fractions instead of rounding", () => {
		expect(toPayPalAmount({ amount: 150000, currency: "HUF" })).toEqual({ currency_code: "HUF", value: "1500" });
		expect(() => toPayPalAmount({ amount: 150050, currency: "HUF" })).toThrow("whole units");
		expect(fromPayPalAmount({ currency_code: "TWD", value: "30" })).toEqual({ amount: 3000, currency: "TWD" });
	});
});

import { describe, expect, test } from "bun:test";
import { loadConfig } from "./config";

// What a core refuses to start with. Every refusal names the variable and never echoes a value,
// since a configuration error goes to logs that more people read than the secrets' owners.

const SIGNING = "a-signing-secret-of-exactly-32-b";
const SANDBOX = "sandbox-webhook-key-0123456789abcdef";
const CARRIER = "carrier-webhook-key-0123456789abcdef";
const PRODUCTION = {
	BAZAAR_ENV: "production",
	BAZAAR_SIGNING_SECRET: SIGNING,
	SANDBOX_WEBHOOK_SECRET: SANDBOX,
	EDGE_URL: "https://shop.example.com",
};
/** A production core with the sandbox gateway switched on (a staging shop, say). */
const PRODUCTION_SANDBOX = { ...PRODUCTION, PAYMENT_SANDBOX: "on" };

/** The configuration error's message (the test fails if there is none). */
function refusal(env: Record<string, string>): string {
	try {
		loadConfig(env);
	} catch (err) {
		return (err as Error).message;
	}
	throw new Error("the configuration was accepted");
}

describe("BAZAAR_SIGNING_SECRET", () => {
	test("is required in every profile: there is no built-in fallback", () => {
		for (const BAZAAR_ENV of ["production", "development", "test"]) {
			expect(refusal({ BAZAAR_ENV, SANDBOX_WEBHOOK_SECRET: SANDBOX })).toContain("BAZAAR_SIGNING_SECRET: is required");
			expect(refusal({ BAZAAR_ENV, SANDBOX_WEBHOOK_SECRET: SANDBOX, BAZAAR_SIGNING_SECRET: "" })).toContain(
				"BAZAAR_SIGNING_SECRET",
			);
		}
		// The default profile is production.
		expect(refusal({})).toContain("BAZAAR_SIGNING_SECRET");
	});

	test("shorter than 32 bytes is refused without echoing it; 32 bytes (or 32 UTF-8 bytes) is enough", () => {
		const short = "x".repeat(31);
		const message = refusal({ ...PRODUCTION, BAZAAR_SIGNING_SECRET: short });
		expect(message).toContain("BAZAAR_SIGNING_SECRET: must be at least 32 bytes");
		expect(message).not.toContain(short);
		expect(loadConfig(PRODUCTION).signingSecret).toBe(SIGNING);
		// Eleven three-byte characters are 33 bytes.
		expect(loadConfig({ ...PRODUCTION, BAZAAR_SIGNING_SECRET: "€".repeat(11) }).signingSecret).toBe("€".repeat(11));
	});
});

describe("webhook secrets", () => {
	test("production with the sandbox on: its key is required, and never derived from the signing secret", () => {
		const message = refusal({ BAZAAR_ENV: "production", BAZAAR_SIGNING_SECRET: SIGNING, PAYMENT_SANDBOX: "on" });
		expect(message).toContain("SANDBOX_WEBHOOK_SECRET: is required in production");
		expect(message).not.toContain(SIGNING);
		expect(loadConfig(PRODUCTION_SANDBOX).payment.sandbox?.webhookSecret).toBe(SANDBOX);
		// With the sandbox off (the default) there is no sandbox key to ask for.
		expect(
			loadConfig({ BAZAAR_ENV: "production", BAZAAR_SIGNING_SECRET: SIGNING, EDGE_URL: PRODUCTION.EDGE_URL }).payment
				.sandbox,
		).toBeNull();
	});

	test("production: without CARRIER_WEBHOOK_SECRET the carrier webhook is off; with it, that key", () => {
		expect(loadConfig(PRODUCTION).fulfillment.carrierWebhookSecret).toBeNull();
		expect(loadConfig({ ...PRODUCTION, CARRIER_WEBHOOK_SECRET: CARRIER }).fulfillment.carrierWebhookSecret).toBe(
			CARRIER,
		);
	});

	test("local stacks and tests derive both when unset: distinct from each other and from the signing secret", () => {
		for (const BAZAAR_ENV of ["development", "test"]) {
			const config = loadConfig({ BAZAAR_ENV, BAZAAR_SIGNING_SECRET: SIGNING, PAYMENT_SANDBOX: "on" });
			const sandbox = config.payment.sandbox?.webhookSecret;
			const carrier = config.fulfillment.carrierWebhookSecret;
			expect(sandbox).toMatch(/^[0-9a-f]{64}$/);
			expect(carrier).toMatch(/^[0-9a-f]{64}$/);
			expect(new Set([SIGNING, sandbox, carrier]).size).toBe(3);
		}
	});

	test("a webhook key equal to another trust domain's key is refused, naming both variables only", () => {
		const same = refusal({ ...PRODUCTION, SANDBOX_WEBHOOK_SECRET: SIGNING });
		expect(same).toContain("SANDBOX_WEBHOOK_SECRET: must differ from BAZAAR_SIGNING_SECRET");
		expect(same).not.toContain(SIGNING);
		const carrier = refusal({ ...PRODUCTION, CARRIER_WEBHOOK_SECRET: SANDBOX });
		expect(carrier).toContain("CARRIER_WEBHOOK_SECRET: must differ from SANDBOX_WEBHOOK_SECRET");
		expect(carrier).not.toContain(SANDBOX);
	});
});

describe("SMTP_URL", () => {
	test("a bad URL is refused at start, naming the variable and never its password", () => {
		for (const [SMTP_URL, why] of [
			["https://mailer:hunter22@smtp.example", "SMTP_URL: must start with smtp:// or smtps://"],
			["smtp://mailer:hunter22@smtp.example?starttls=always", "SMTP_URL: starttls must be auto, required or never"],
			["smtp://mailer:hunter22@smtp.example?tls=no", "SMTP_URL: tls must be verify or insecure"],
			["smtp://mailer:hunter22@smtp.example:70000", "SMTP_URL: is not a URL"],
		] as const) {
			const message = refusal({ ...PRODUCTION, SMTP_URL });
			expect(message).toContain(why);
			expect(message).not.toContain("hunter22");
		}
		const url = "smtps://mailer:hunter22@smtp.example?starttls=required&tls=verify";
		expect(loadConfig({ ...PRODUCTION, SMTP_URL: url }).smtpUrl).toBe(url);
		expect(loadConfig({ ...PRODUCTION, SMTP_URL: "" }).smtpUrl).toBeNull();
	});
});

describe("BAZAAR_TEST_CRASH_AFTER", () => {
	test("is refused unless BAZAAR_ENV=test (the crash tests' runner)", () => {
		for (const BAZAAR_ENV of ["production", "development"]) {
			const message = refusal({ ...PRODUCTION, BAZAAR_ENV, BAZAAR_TEST_CRASH_AFTER: "order-paid-commit" });
			expect(message).toContain("BAZAAR_TEST_CRASH_AFTER: is for the test runner only");
		}
		// Unset BAZAAR_ENV is production.
		const { BAZAAR_ENV: _, ...unset } = PRODUCTION;
		expect(refusal({ ...unset, BAZAAR_TEST_CRASH_AFTER: "order-paid-commit" })).toContain("BAZAAR_TEST_CRASH_AFTER");
		const test = loadConfig({
			BAZAAR_ENV: "test",
			BAZAAR_SIGNING_SECRET: SIGNING,
			BAZAAR_TEST_CRASH_AFTER: "inventory-commit",
		});
		expect(test.crashAfter).toBe("inventory-commit");
	});
});

describe("CATALOG_REPLICA_PATH", () => {
	test("needs a remote catalog database to replicate", () => {
		expect(refusal({ ...PRODUCTION, CATALOG_REPLICA_PATH: "catalog-replica.db" })).toContain(
			"CATALOG_REPLICA_PATH: needs DATABASE_URL_CATALOG to be a libSQL server or Turso URL",
		);
		const config = loadConfig({
			...PRODUCTION,
			DATA_DIR: "/srv/bazaar",
			DATABASE_URL_CATALOG: "libsql://catalog.example.turso.io",
			CATALOG_REPLICA_PATH: "catalog-replica.db",
		});
		expect(config.catalogReplica).toEqual({ path: "/srv/bazaar/catalog-replica.db", syncIntervalMs: 1_000 });
		expect(loadConfig(PRODUCTION).catalogReplica).toBeNull();
	});
});

describe("the production profile", () => {
	test("EDGE_URL is required in production only; a bad one is named, its value never echoed", () => {
		const { EDGE_URL: _, ...withoutEdge } = PRODUCTION;
		expect(refusal(withoutEdge)).toContain("EDGE_URL: is required in production");
		expect(loadConfig({ ...withoutEdge, BAZAAR_ENV: "development" }).storefrontUrl).toBe("http://127.0.0.1:8787");
		const message = refusal({ ...PRODUCTION, EDGE_URL: "ftp://secret-host.example" });
		expect(message).toContain("EDGE_URL");
		expect(message).not.toContain("secret-host");
	});

	test("one line per bad variable, each naming it and never its value", () => {
		const message = refusal({
			...PRODUCTION,
			LOG_FORMAT: "yaml-9a8b",
			METRICS_PORT: "port-9a8b",
			READY_MAX_BUS_BACKLOG: "-7",
			OTEL_TRACES_EXPORTER: "zipkin-9a8b",
			OTEL_EXPORTER_OTLP_ENDPOINT: "not a url 9a8b",
			OTEL_TRACES_SAMPLER_ARG: "2",
		});
		const lines = message.split("\n").slice(1);
		for (const name of [
			"LOG_FORMAT",
			"METRICS_PORT",
			"READY_MAX_BUS_BACKLOG",
			"OTEL_TRACES_EXPORTER",
			"OTEL_EXPORTER_OTLP_ENDPOINT",
			"OTEL_TRACES_SAMPLER_ARG",
		]) {
			expect(lines.filter((l) => l.trim().startsWith(`${name}:`))).toHaveLength(1);
		}
		expect(message).not.toContain("9a8b");
	});

	test("observability defaults: JSON logs, request lines and /metrics on 127.0.0.1:9464 in production; text and off elsewhere", () => {
		const prod = loadConfig(PRODUCTION);
		expect(prod.logFormat).toBe("json");
		expect(prod.logRequests).toBe(true);
		expect(prod.metrics).toEqual({ host: "127.0.0.1", port: 9464 });
		expect(prod.tracesExporter).toBeNull();
		const dev = loadConfig({ ...PRODUCTION, BAZAAR_ENV: "development" });
		expect(dev.logFormat).toBe("text");
		expect(dev.logRequests).toBe(false);
		expect(dev.metrics).toBeNull();
		expect(loadConfig({ ...PRODUCTION, BAZAAR_ENV: "development", METRICS_PORT: "9100" }).metrics).toEqual({
			host: "127.0.0.1",
			port: 9100,
		});
		// Tracing: off unless an exporter is asked for; an OTLP endpoint alone asks for OTLP.
		expect(loadConfig({ ...PRODUCTION, OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel:4318" }).tracesExporter).toBe("otlp");
		expect(
			loadConfig({ ...PRODUCTION, OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel:4318", OTEL_TRACES_EXPORTER: "none" })
				.tracesExporter,
		).toBeNull();
	});
});

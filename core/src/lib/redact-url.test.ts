import { describe, expect, test } from "bun:test";
import { redactUrl } from "./redact-url";

describe("redactUrl", () => {
	test("drops the user, the password and the query, and says so", () => {
		const shown = redactUrl("redis://default:s3cr3t-pass@redis.internal:6380/2");
		expect(shown).toBe("redis://redis.internal:6380/2 (credentials hidden)");
		expect(shown).not.toContain("s3cr3t");
		expect(redactUrl("rediss://:only-a-password@r.example:6379")).not.toContain("only-a-password");
		expect(redactUrl("libsql://db-org.turso.io?authToken=eyJhbGciOi.secret")).toBe(
			"libsql://db-org.turso.io (query hidden)",
		);
		expect(redactUrl("smtp://mailer:hunter22@smtp.example:587")).not.toContain("hunter22");
	});

	test("a URL without secrets is shown as is; an unparsable one not at all", () => {
		expect(redactUrl("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
		expect(redactUrl("file:/tmp/data/catalog.db")).toBe("file:///tmp/data/catalog.db");
		expect(redactUrl("password-without-scheme")).toBe("<unparsable URL>");
	});
});

import { afterAll, afterEach, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { dropRedisPrefix } from "../bus/testing/fixtures";
import { ADMIN_PASSWORD_FILE } from "../config";
import { REDIS_URL, redisAvailable, SECRET, tempDir } from "../testing/harness";
import { type CoreProcess, freePort, startCore } from "./testing/core-process";
import { remoteCore } from "./testing/journey";

// The real `bun core/src/main.ts`, started as an operator would: whatever it prints may end up in
// a log aggregator, a CI transcript or a screen share, so no secret may be in it. The generated
// admin password goes to a file only this user can read; URLs are shown without credentials.

const redisUp = await redisAvailable();
const running: CoreProcess[] = [];
const prefix = `bazaar:test:startup:${process.pid}:${Date.now()}`;
afterEach(async () => {
	for (const p of running.splice(0)) await p.stop();
});
afterAll(async () => {
	if (redisUp) await dropRedisPrefix(REDIS_URL, prefix);
}, 60_000);

test("the first start writes the admin password to a 0600 file and prints its path; no secret is printed", async () => {
	const dir = tempDir("bazaar-startup-");
	const port = freePort();
	const email = "owner@startup.example";
	// A Redis URL with a password (a Redis without one accepts and ignores it).
	const redisWithPassword = (() => {
		const u = new URL(REDIS_URL);
		u.username = "default";
		u.password = "hunter2-redis-password";
		return u.toString();
	})();
	const core = startCore(dir, port, {
		ADMIN_EMAIL: email,
		ADMIN_PASSWORD: "",
		...(redisUp ? { REDIS_URL: redisWithPassword, BUS_REDIS_PREFIX: prefix } : {}),
	});
	running.push(core);
	await core.ready();

	const file = join(dir, ADMIN_PASSWORD_FILE);
	const password = readFileSync(file, "utf8").trim();
	expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
	expect(statSync(file).mode & 0o777).toBe(0o600);

	const log = core.lines.join("\n");
	expect(log).toContain(`admin login: ${email} (password in ${file}`);
	expect(log).not.toContain(password);
	expect(log).not.toContain(SECRET);
	if (redisUp) {
		expect(log).toContain("redis redis://");
		expect(log).not.toContain("hunter2-redis-password");
	}

	// The file holds the working password.
	const login = await remoteCore(core.base, SECRET).call("POST", "/identity/login", { body: { email, password } });
	expect(login.status).toBe(200);
});

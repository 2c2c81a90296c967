import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The browser journey runs under Node (not the workers pool): it starts the real stack
// (core + `wrangler dev`) and drives Debian's Chromium through playwright-core.
export default defineConfig({
	root: dirname(fileURLToPath(import.meta.url)),
	test: {
		include: ["**/*.test.ts"],
		environment: "node",
		pool: "forks",
		fileParallelism: false,
		testTimeout: 60_000,
		// Migrating, seeding and the first `wrangler dev` bundle take a while on a cold machine.
		hookTimeout: 240_000,
	},
});

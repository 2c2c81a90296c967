import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Edge tests run inside workerd (the real Workers runtime) against a real core: global-setup.ts
// (in Node) seeds a temporary catalog, starts `bun core/src/main.ts`, and provides its URL and
// secrets, which become the Worker's bindings here.
const edgeDir = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
	root: edgeDir,
	plugins: [
		cloudflareTest(({ inject }) => ({
			wrangler: { configPath: fileURLToPath(new URL("../wrangler.toml", import.meta.url)) },
			miniflare: {
				bindings: {
					CORE_URL: inject("coreUrl"),
					BAZAAR_SIGNING_SECRET: inject("signingSecret"),
					DEV_MAILBOX: "on",
					FLASH_TEST_HOOKS: "on",
				},
			},
		})),
	],
	test: {
		include: ["test/**/*.test.{ts,tsx}"],
		exclude: ["e2e/**", "node_modules/**"],
		globalSetup: ["test/global-setup.ts"],
		// One catalog and one Worker isolate serve every file; the price-change test moves the
		// catalog version, which must not land in the middle of another file's cache assertions.
		fileParallelism: false,
		testTimeout: 20_000,
		hookTimeout: 60_000,
	},
});

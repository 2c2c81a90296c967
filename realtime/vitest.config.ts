import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
	// Pinned so the suite runs the same from the repo root (`npm test`) or from realtime/.
	root: dirname(fileURLToPath(import.meta.url)),
	plugins: [cloudflareTest({ wrangler: { configPath: "./test/wrangler.test.toml" } })],
	test: {
		include: ["test/**/*.test.ts"],
		testTimeout: 20_000,
	},
});

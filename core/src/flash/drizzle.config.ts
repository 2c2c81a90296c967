import { defineConfig } from "drizzle-kit";

// The flash module's migrations; it owns its own database (`file:<DATA_DIR>/flash.db`).
// Generate from the core folder: `npx drizzle-kit generate --config src/flash/drizzle.config.ts`.
export default defineConfig({
	dialect: "sqlite",
	schema: "./src/flash/schema.ts",
	out: "./src/flash/migrations",
});

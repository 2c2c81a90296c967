import { defineConfig } from "drizzle-kit";

// The promotion module's migrations; it owns its own database (`file:<DATA_DIR>/promotion.db`).
// Generate from the core folder: `npx drizzle-kit generate --config src/promotion/drizzle.config.ts`.
export default defineConfig({
	dialect: "sqlite",
	schema: "./src/promotion/schema.ts",
	out: "./src/promotion/migrations",
});

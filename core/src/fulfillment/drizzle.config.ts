import { defineConfig } from "drizzle-kit";

// The fulfillment module's migrations; it owns its own database (`file:<DATA_DIR>/fulfillment.db`).
// Generate from the core folder: `npx drizzle-kit generate --config src/fulfillment/drizzle.config.ts`.
export default defineConfig({
	dialect: "sqlite",
	schema: "./src/fulfillment/schema.ts",
	out: "./src/fulfillment/migrations",
});

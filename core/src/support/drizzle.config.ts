import { defineConfig } from "drizzle-kit";

// The support module's migrations; it owns its own database (`file:<DATA_DIR>/support.db`).
// Generate from the core folder: `npx drizzle-kit generate --config src/support/drizzle.config.ts`.
export default defineConfig({
	dialect: "sqlite",
	schema: "./src/support/schema.ts",
	out: "./src/support/migrations",
});

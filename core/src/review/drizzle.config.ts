import { defineConfig } from "drizzle-kit";

// The review module's migrations; it owns its own database (`file:<DATA_DIR>/review.db`).
// Generate from the core folder: `npx drizzle-kit generate --config src/review/drizzle.config.ts`.
export default defineConfig({
	dialect: "sqlite",
	schema: "./src/review/schema.ts",
	out: "./src/review/migrations",
});

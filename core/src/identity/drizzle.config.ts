import { defineConfig } from "drizzle-kit";

// The identity module's migrations; it owns its own database (`file:<DATA_DIR>/identity.db`).
// Generate from the core folder: `npx drizzle-kit generate --config src/identity/drizzle.config.ts`.
export default defineConfig({
	dialect: "sqlite",
	schema: "./src/identity/schema.ts",
	out: "./src/identity/migrations",
});

import { defineConfig } from "drizzle-kit";

// The inventory module's migrations; it owns its own database (`file:<DATA_DIR>/inventory.db`).
// Generate from the core folder: `npx drizzle-kit generate --config src/inventory/drizzle.config.ts`.
export default defineConfig({
	dialect: "sqlite",
	schema: "./src/inventory/schema.ts",
	out: "./src/inventory/migrations",
});

import { defineConfig } from "drizzle-kit";

// The delivery module's migrations; it owns its own database (`file:<DATA_DIR>/delivery.db`).
// Generate from the core folder: `npx drizzle-kit generate --config src/delivery/drizzle.config.ts`.
export default defineConfig({
	dialect: "sqlite",
	schema: "./src/delivery/schema.ts",
	out: "./src/delivery/migrations",
});

import { defineConfig } from "drizzle-kit";

// The order module's migrations; it owns its own database (`file:<DATA_DIR>/order.db`).
// Generate from the core folder: `npx drizzle-kit generate --config src/order/drizzle.config.ts`.
export default defineConfig({
	dialect: "sqlite",
	schema: "./src/order/schema.ts",
	out: "./src/order/migrations",
});

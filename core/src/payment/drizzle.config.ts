import { defineConfig } from "drizzle-kit";

// The payment module's migrations; it owns its own database (`file:<DATA_DIR>/payment.db`).
// Generate from the core folder: `npx drizzle-kit generate --config src/payment/drizzle.config.ts`.
export default defineConfig({
	dialect: "sqlite",
	schema: "./src/payment/schema.ts",
	out: "./src/payment/migrations",
});

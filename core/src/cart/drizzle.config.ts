import { defineConfig } from "drizzle-kit";

// The cart module's migrations; it owns its own database (`file:<DATA_DIR>/cart.db`).
// Generate from the core folder: `npx drizzle-kit generate --config src/cart/drizzle.config.ts`.
export default defineConfig({
	dialect: "sqlite",
	schema: "./src/cart/schema.ts",
	out: "./src/cart/migrations",
});

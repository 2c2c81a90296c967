import { defineConfig } from "drizzle-kit";

// The catalog module's migrations (`npm run db:generate`). Each module gets its own config and
// folder as modules are added, because each owns its own database.
export default defineConfig({
	dialect: "sqlite",
	schema: "./src/catalog/schema.ts",
	out: "./src/catalog/migrations",
});

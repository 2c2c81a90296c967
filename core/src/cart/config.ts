import { resolve } from "node:path";
import { Currency, DEFAULT_CURRENCY } from "@bazaar/money";
import { z } from "zod";

// The cart's settings, for the lead to fold into core/src/config.ts. Every one has a default.

const blankIsUnset = (v: unknown) => (v === "" ? undefined : v);

export const CartEnv = z.object({
	DATABASE_URL_CART: z.preprocess(blankIsUnset, z.string().optional()),
	/** A guest cart untouched this long is gone. */
	CART_GUEST_TTL_DAYS: z.preprocess(blankIsUnset, z.coerce.number().int().min(1).max(365).default(30)),
	/** The currency a new cart is priced in. */
	CART_CURRENCY: z.preprocess(blankIsUnset, Currency.default(DEFAULT_CURRENCY)),
});

export interface CartConfig {
	url: string;
	guestTtlMs: number;
	currency: string;
}

export function loadCartConfig(dataDir: string, env: Record<string, string | undefined> = process.env): CartConfig {
	const e = CartEnv.parse(env);
	return {
		url: e.DATABASE_URL_CART ?? `file:${resolve(dataDir, "cart.db")}`,
		guestTtlMs: e.CART_GUEST_TTL_DAYS * 86_400_000,
		currency: e.CART_CURRENCY,
	};
}

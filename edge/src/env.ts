import type { Context } from "hono";
import type { Shopper } from "./checkout/shopper";
import type { MarketView } from "./markets/state";
import type { ActiveSession } from "./session/store";

// `Env` (the bindings) is generated from wrangler.toml by `npm run cf-types -w @bazaar/edge`
// into edge/worker-configuration.d.ts; this file only adds what Hono needs on top.
export type AppEnv = {
	Bindings: Env;
	Variables: {
		/** The request body, read once (size-limited) by a middleware that had to hash it. */
		body: Uint8Array;
		/** The signed-in shopper (null when anonymous; unset on routes without `loadSession`). */
		session: ActiveSession | null;
		/** How the session was presented: a browser cookie (needs CSRF checks) or an API bearer token. */
		authVia: "cookie" | "bearer";
		/** Set once `loadSession` ran for this request (it runs at most once). */
		sessionLoaded: boolean;
		/** The shopper's market, once `marketOf` resolved it for this request. */
		market: MarketView;
		/** Who is checking out (a customer or a guest), once the JSON checkout resolved it. */
		shopper: Shopper;
	};
};
export type AppContext = Context<AppEnv>;

/** The part of the execution context the caches use: fills run after the response. */
export interface Background {
	waitUntil(promise: Promise<unknown>): void;
}

declare global {
	interface Env {
		/** "on" only in local stacks (npm start, tests): serves the core's mail outbox at /dev/mail. */
		DEV_MAILBOX?: string;
		/**
		 * Optional JSON map from a continent (request.cf.continent: AF AN AS EU NA OC SA) to the core
		 * that serves it; CORE_URL serves the rest (lib/core-url.ts).
		 */
		CORE_URLS?: string;
		/** "on" only in the edge tests: flash-sale test hooks (a held item, the deliberately broken shard). */
		FLASH_TEST_HOOKS?: string;
	}
}

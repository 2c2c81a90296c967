// What test/global-setup.ts hands to the workerd tests (and to the Worker's bindings).
declare module "vitest" {
	export interface ProvidedContext {
		coreUrl: string;
		/** GET ?requestId=… → the core's JSON log lines of that request. */
		coreLogUrl: string;
		signingSecret: string;
		/** The staff login the core was started with (ADMIN_EMAIL / ADMIN_PASSWORD). */
		adminEmail: string;
		adminPassword: string;
	}
}

export {};

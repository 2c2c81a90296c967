// What test/global-setup.ts hands to the workerd tests (and to the Worker's bindings).
declare module "vitest" {
	export interface ProvidedContext {
		coreUrl: string;
		signingSecret: string;
		adminToken: string;
	}
}

export {};

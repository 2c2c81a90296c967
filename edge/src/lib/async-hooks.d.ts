// workerd provides node:async_hooks' AsyncLocalStorage with the `nodejs_als` compatibility flag
// (wrangler.toml); the Workers types do not declare Node modules, so this is the part we use.
declare module "node:async_hooks" {
	export class AsyncLocalStorage<T> {
		getStore(): T | undefined;
		run<R>(store: T, fn: () => R): R;
	}
}

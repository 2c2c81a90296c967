import {
	type CatalogEventBatch,
	CategoryList,
	Problem,
	Product,
	ProductList,
	type ProductQuery,
	productQueryToParams,
} from "@bazaar/contracts";
import { type Caller, sign } from "@bazaar/signature";
import type { z } from "zod";

// The typed client for the core's API. Every call is signed (DESIGN.md flow 2); the caller is
// the shopper or staff member the edge acts for. Responses are validated against the contracts
// so a drifted core fails loudly at the boundary instead of deep inside a page.

export type FetchFn = (url: string, init: RequestInit) => Promise<Response>;

export interface CoreClientOptions {
	baseUrl: string;
	secret: string;
	/** A service binding's fetch, or a test server's; the global fetch by default. */
	fetch?: FetchFn;
}

export class CoreError extends Error {
	constructor(
		readonly status: number,
		readonly problem: Problem,
	) {
		super(`${status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ""}`);
	}
}

export interface RawResponse {
	status: number;
	headers: Headers;
	body: ArrayBuffer;
}

export class CoreClient {
	private readonly fetchFn: FetchFn;
	constructor(private readonly options: CoreClientOptions) {
		this.fetchFn = options.fetch ?? ((url, init) => fetch(url, init));
	}

	/** A signed request; returns the raw response (used for pass-through and images). */
	async request(
		method: string,
		path: string,
		init: { body?: string | ArrayBuffer | Uint8Array; caller?: Caller; headers?: HeadersInit } = {},
	): Promise<Response> {
		const headers = new Headers(init.headers);
		if (init.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
		// Signed with the headers as sent: the core acts on some of them (cart token, idempotency key).
		const signed = await sign({
			secret: this.options.secret,
			method,
			path,
			body: init.body,
			caller: init.caller,
			headers,
		});
		for (const [k, v] of Object.entries(signed)) headers.set(k, v);
		return this.fetchFn(new URL(path, this.options.baseUrl).toString(), {
			method,
			headers,
			body: init.body as BodyInit | undefined,
		});
	}

	async json<S extends z.ZodType>(
		schema: S,
		method: string,
		path: string,
		body?: unknown,
		caller?: Caller,
	): Promise<z.infer<S>> {
		const res = await this.request(method, path, {
			body: body === undefined ? undefined : JSON.stringify(body),
			caller,
		});
		const text = await res.text();
		if (!res.ok) throw new CoreError(res.status, parseProblem(res.status, text));
		return schema.parse(JSON.parse(text));
	}

	listProducts(query: ProductQuery, caller?: Caller) {
		return this.json(ProductList, "GET", `/catalog/products?${productQueryToParams(query)}`, undefined, caller);
	}
	searchProducts(query: ProductQuery, caller?: Caller) {
		return this.json(ProductList, "GET", `/catalog/search?${productQueryToParams(query)}`, undefined, caller);
	}
	getProduct(slug: string, caller?: Caller) {
		return this.json(Product, "GET", `/catalog/products/${encodeURIComponent(slug)}`, undefined, caller);
	}
	listCategories(caller?: Caller) {
		return this.json(CategoryList, "GET", "/catalog/categories", undefined, caller);
	}
	async catalogVersion(): Promise<number> {
		const res = await this.request("GET", "/catalog/version");
		if (!res.ok) throw new CoreError(res.status, parseProblem(res.status, await res.text()));
		return ((await res.json()) as { version: number }).version;
	}
}

function parseProblem(status: number, text: string): Problem {
	try {
		return Problem.parse(JSON.parse(text));
	} catch {
		return { type: "about:blank", title: "Upstream error", status, detail: text.slice(0, 200) };
	}
}

export { ApiError, type ApiFetch, BazaarClient, type BazaarClientOptions } from "./api";
export type { Caller, CatalogEventBatch };

import {
	AdminProductList,
	type AdminProductQuery,
	CategoryList,
	Problem,
	Product,
	ProductList,
	type ProductQuery,
	productQueryToParams,
} from "@bazaar/contracts";
import { DeadLetterList, type DeadLetterQuery, DeadLetterReplayed } from "@bazaar/contracts/bus";
import { type AddLineRequest, Cart } from "@bazaar/contracts/cart";
import { type ListShipmentsQuery, ShipmentList } from "@bazaar/contracts/fulfillment";
import {
	AccountUpdated,
	Address,
	type AddressInput,
	AddressList,
	type AddressPatch,
	ApiSession,
	ApiSessionInfo,
	type ChangePasswordInput,
	type LoginInput,
	PasswordResetAccepted,
	type PasswordResetConfirm,
	type ProfilePatch,
	type RegisterInput,
	SignupAccepted,
	UserList,
	type UserListQuery,
	UserPublic,
} from "@bazaar/contracts/identity";
import type { ListPage } from "@bazaar/contracts/list";
import {
	type AdminOrderQuery,
	type ListOrdersQuery,
	Order,
	OrderDetail,
	OrderList,
	PaymentConflictPage,
	type PaymentConflictQuery,
} from "@bazaar/contracts/order";
import {
	PaymentList,
	type PaymentQuery,
	ReconciliationRunList,
	type ReconciliationRunQuery,
} from "@bazaar/contracts/payment";
import { z } from "zod";

// The typed client of the shop's public JSON API (the edge): catalog, session, cart, the
// customer's account and orders, and the staff lists of the admin API. For another storefront,
// an app or a script: fetch-based, a base URL and (once signed in) a bearer token. Answers are
// checked against the same zod contracts the server uses; a refusal throws an ApiError that
// carries the RFC 9457 problem.

export type ApiFetch = (input: string, init: RequestInit) => Promise<Response>;

export interface BazaarClientOptions {
	/** The storefront's origin, e.g. https://shop.example. */
	baseUrl: string;
	/** A session token from signIn() or confirmSignup(), sent as `Authorization: Bearer`. */
	token?: string;
	/** Another fetch (a test's, a service binding's); the global fetch by default. */
	fetch?: ApiFetch;
}

export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly problem: Problem,
		/** Seconds to wait before trying again, on a 429. */
		readonly retryAfter: number | null = null,
	) {
		super(`${status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ""}`);
		this.name = "ApiError";
	}
}

/** A list's filters as the API takes them: what the query schema accepts, cursor and limit included. */
type Filters<Q> = { [K in keyof Q]?: Q[K] | string };
type Params = Record<string, string | number | boolean | undefined>;

const NoContent = z.null();

export class BazaarClient {
	private readonly fetchFn: ApiFetch;

	constructor(private readonly options: BazaarClientOptions) {
		this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
	}

	/** The same client acting with this session token (after signIn or confirmSignup). */
	withToken(token: string): BazaarClient {
		return new BazaarClient({ ...this.options, token });
	}

	get token(): string | undefined {
		return this.options.token;
	}

	/** One call: JSON in, the answer checked against `schema`, or an ApiError. */
	async call<S extends z.ZodType>(
		schema: S,
		method: string,
		path: string,
		init: { query?: Params | URLSearchParams; body?: unknown } = {},
	): Promise<z.infer<S>> {
		const url = new URL(path, this.options.baseUrl);
		const query = init.query instanceof URLSearchParams ? init.query : paramsOf(init.query ?? {});
		url.search = query.toString();
		const headers: Record<string, string> = { accept: "application/json" };
		if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
		// Writes declare JSON even without a body: the API's CSRF rule for browsers asks for it.
		if (method !== "GET" && method !== "HEAD") headers["content-type"] = "application/json";
		const res = await this.fetchFn(url.toString(), {
			method,
			headers,
			body: init.body === undefined ? undefined : JSON.stringify(init.body),
		});
		const text = await res.text();
		if (!res.ok) {
			const retry = Number(res.headers.get("retry-after"));
			throw new ApiError(res.status, problemOf(res.status, text), Number.isFinite(retry) && retry > 0 ? retry : null);
		}
		return schema.parse(text === "" ? null : JSON.parse(text));
	}

	/** Every item of a list, page after page (follows `nextCursor`). */
	async *all<T>(page: (cursor: string | undefined) => Promise<ListPage<T>>): AsyncGenerator<T> {
		let cursor: string | undefined;
		do {
			const next = await page(cursor);
			yield* next.items;
			cursor = next.nextCursor ?? undefined;
		} while (cursor);
	}

	// ---- catalog (anyone) ----------------------------------------------------------------------
	products(query: Partial<ProductQuery> = {}) {
		return this.call(ProductList, "GET", "/api/catalog/products", { query: catalogParams(query) });
	}
	search(query: Partial<ProductQuery> & { q: string }) {
		return this.call(ProductList, "GET", "/api/catalog/search", { query: catalogParams(query) });
	}
	product(slug: string) {
		return this.call(Product, "GET", `/api/catalog/products/${encodeURIComponent(slug)}`);
	}
	categories() {
		return this.call(CategoryList, "GET", "/api/catalog/categories");
	}

	// ---- session ---------------------------------------------------------------------------------
	/** Signs in; use `client.withToken(session.token)` for what follows. */
	signIn(login: LoginInput) {
		return this.call(ApiSession, "POST", "/api/session", { body: login });
	}
	session() {
		return this.call(ApiSessionInfo, "GET", "/api/session");
	}
	signOut() {
		return this.call(NoContent, "DELETE", "/api/session");
	}

	// ---- signing up and resetting a password (anonymous) ----------------------------------------
	/** Mails a confirmation link (`…/account/signup/confirm?token=…`) to the address; the same answer for a taken one. */
	register(input: RegisterInput) {
		return this.call(SignupAccepted, "POST", "/api/customers", { body: input });
	}
	/** The mailed token makes the account and signs it in. */
	confirmSignup(token: string) {
		return this.call(ApiSession, "POST", "/api/customers/confirm", { body: { token } });
	}
	requestPasswordReset(email: string) {
		return this.call(PasswordResetAccepted, "POST", "/api/password-reset", { body: { email } });
	}
	/** Sets the new password; every session of the account ends (sign in again). */
	confirmPasswordReset(input: PasswordResetConfirm) {
		return this.call(NoContent, "POST", "/api/password-reset/confirm", { body: input });
	}

	// ---- the signed-in customer -----------------------------------------------------------------
	profile() {
		return this.call(UserPublic, "GET", "/api/account/profile");
	}
	/** A new email ends the session: the answer's `token` is the new one (then use withToken). */
	updateProfile(patch: ProfilePatch) {
		return this.call(AccountUpdated, "PATCH", "/api/account/profile", { body: patch });
	}
	/** Ends every other session; the answer's `token` is this client's new one. */
	changePassword(input: ChangePasswordInput) {
		return this.call(AccountUpdated, "POST", "/api/account/password", { body: input });
	}
	addresses() {
		return this.call(AddressList, "GET", "/api/account/addresses");
	}
	address(id: string) {
		return this.call(Address, "GET", `/api/account/addresses/${encodeURIComponent(id)}`);
	}
	addAddress(input: AddressInput) {
		return this.call(Address, "POST", "/api/account/addresses", { body: input });
	}
	updateAddress(id: string, patch: AddressPatch) {
		return this.call(Address, "PATCH", `/api/account/addresses/${encodeURIComponent(id)}`, { body: patch });
	}
	deleteAddress(id: string) {
		return this.call(NoContent, "DELETE", `/api/account/addresses/${encodeURIComponent(id)}`);
	}
	orders(query: Filters<ListOrdersQuery> = {}) {
		return this.call(OrderList, "GET", "/api/orders", { query });
	}
	order(id: string) {
		return this.call(OrderDetail, "GET", `/api/orders/${encodeURIComponent(id)}`);
	}
	cancelOrder(id: string, reason?: string) {
		return this.call(Order, "POST", `/api/orders/${encodeURIComponent(id)}/cancel`, {
			body: reason ? { reason } : {},
		});
	}
	cart() {
		return this.call(Cart, "GET", "/api/cart");
	}
	addToCart(line: AddLineRequest) {
		return this.call(Cart, "POST", "/api/cart/lines", { body: line });
	}

	// ---- staff: the admin API's lists (each `{items, nextCursor}`, newest first) ------------------
	readonly admin = {
		orders: (query: Filters<AdminOrderQuery> = {}) => this.call(OrderList, "GET", "/api/admin/orders", { query }),
		paymentConflicts: (query: Filters<PaymentConflictQuery> = {}) =>
			this.call(PaymentConflictPage, "GET", "/api/admin/orders/payment-conflicts", { query }),
		products: (query: Filters<AdminProductQuery> = {}) =>
			this.call(AdminProductList, "GET", "/api/admin/catalog/products", { query }),
		customers: (query: Filters<UserListQuery> = {}) =>
			this.call(UserList, "GET", "/api/admin/identity/users", { query }),
		shipments: (query: Filters<ListShipmentsQuery> = {}) =>
			this.call(ShipmentList, "GET", "/api/admin/fulfillment/shipments", { query }),
		payments: (query: Filters<PaymentQuery> = {}) =>
			this.call(PaymentList, "GET", "/api/admin/payment/payments", { query }),
		reconciliationRuns: (query: Filters<ReconciliationRunQuery> = {}) =>
			this.call(ReconciliationRunList, "GET", "/api/admin/payment/reconciliation-runs", { query }),
		deadLetters: (query: Filters<DeadLetterQuery> = {}) =>
			this.call(DeadLetterList, "GET", "/api/admin/bus/dead-letters", { query }),
		replayDeadLetter: (group: string, id: string) =>
			this.call(
				DeadLetterReplayed,
				"POST",
				`/api/admin/bus/dead-letters/${encodeURIComponent(group)}/${encodeURIComponent(id)}/replay`,
			),
	};
}

function paramsOf(params: Params): URLSearchParams {
	const out = new URLSearchParams();
	for (const [key, value] of Object.entries(params)) if (value !== undefined) out.set(key, String(value));
	return out;
}

function catalogParams(query: Partial<ProductQuery>): URLSearchParams {
	return productQueryToParams({ attr: {}, ...query } as ProductQuery);
}

function problemOf(status: number, text: string): Problem {
	try {
		return Problem.parse(JSON.parse(text));
	} catch {
		return { type: "about:blank", title: "Error", status, detail: text.slice(0, 200) };
	}
}

import { createHash } from "node:crypto";
import type { z } from "zod";
import { PayPalApiError, PayPalUnavailableError } from "./errors";
import { ErrorAnswer, TokenAnswer } from "./wire";

// PayPal's REST API over fetch: an OAuth2 client-credentials token (cached until shortly before it
// expires, one refresh in flight at a time), JSON requests with PayPal-Request-Id, and answers
// read through zod. The client secret and the access token live in private fields: they appear in
// no error, no log line and no inspection of this object.

export interface PayPalClientOptions {
	apiUrl: string;
	clientId: string;
	clientSecret: string;
	fetch?: typeof fetch;
	now?: () => number;
	/** Per request; PayPal's own guidance is to allow tens of seconds for a capture. */
	timeoutMs?: number;
}

export interface PayPalRequest<T extends z.ZodType> {
	/** What we were doing, for error messages ("capture of order 5O190…"). */
	operation: string;
	method: "GET" | "POST";
	path: string;
	/** An object (serialized here) or an already serialized JSON text. */
	body?: unknown;
	requestId?: string;
	prefer?: "return=representation" | "return=minimal";
	schema: T;
}

/** Refresh this long before PayPal's expiry, so a token never dies in flight. */
const TOKEN_MARGIN_MS = 60_000;
/** PayPal-Request-Id takes at most 108 characters. */
const MAX_REQUEST_ID = 108;

export class PayPalClient {
	readonly #clientSecret: string;
	#token: { value: string; expiresAt: number } | null = null;
	#refreshing: Promise<string> | null = null;
	private readonly apiUrl: string;
	private readonly clientId: string;
	private readonly fetch: typeof fetch;
	private readonly now: () => number;
	private readonly timeoutMs: number;

	constructor(o: PayPalClientOptions) {
		this.#clientSecret = o.clientSecret;
		this.apiUrl = o.apiUrl.replace(/\/+$/, "");
		this.clientId = o.clientId;
		this.fetch = o.fetch ?? fetch;
		this.now = o.now ?? Date.now;
		this.timeoutMs = o.timeoutMs ?? 30_000;
	}

	/** Sends one request; a rejected token (401) is renewed and the request sent once more. */
	async request<T extends z.ZodType>(req: PayPalRequest<T>): Promise<z.infer<T>> {
		let res = await this.send(req, await this.token());
		if (res.status === 401) {
			this.#token = null;
			res = await this.send(req, await this.token());
		}
		if (!res.ok) throw new PayPalApiError(req.operation, res.status, await readError(res));
		const parsed = req.schema.safeParse(await res.json().catch(() => undefined));
		if (!parsed.success) throw new PayPalApiError(req.operation, res.status, { name: "UNEXPECTED_ANSWER" });
		return parsed.data;
	}

	private async send(req: PayPalRequest<z.ZodType>, token: string): Promise<Response> {
		const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: "application/json" };
		if (req.method === "POST") headers["content-type"] = "application/json";
		if (req.requestId) headers["paypal-request-id"] = requestIdHeader(req.requestId);
		if (req.prefer) headers.prefer = req.prefer;
		const body =
			req.method === "GET" ? undefined : typeof req.body === "string" ? req.body : JSON.stringify(req.body ?? {});
		return this.call(req.operation, `${this.apiUrl}${req.path}`, { method: req.method, headers, body });
	}

	private token(): Promise<string> {
		const t = this.#token;
		if (t && t.expiresAt > this.now()) return Promise.resolve(t.value);
		this.#refreshing ??= this.fetchToken().finally(() => {
			this.#refreshing = null;
		});
		return this.#refreshing;
	}

	private async fetchToken(): Promise<string> {
		const operation = "the access token request";
		const basic = Buffer.from(`${this.clientId}:${this.#clientSecret}`).toString("base64");
		const res = await this.call(operation, `${this.apiUrl}/v1/oauth2/token`, {
			method: "POST",
			headers: {
				authorization: `Basic ${basic}`,
				accept: "application/json",
				"content-type": "application/x-www-form-urlencoded",
			},
			body: "grant_type=client_credentials",
		});
		if (!res.ok) throw new PayPalApiError(operation, res.status, await readError(res));
		const parsed = TokenAnswer.safeParse(await res.json().catch(() => undefined));
		if (!parsed.success) throw new PayPalApiError(operation, res.status, { name: "UNEXPECTED_ANSWER" });
		const lifetime = parsed.data.expires_in * 1000;
		this.#token = {
			value: parsed.data.access_token,
			expiresAt: this.now() + Math.max(lifetime - TOKEN_MARGIN_MS, lifetime / 2),
		};
		return parsed.data.access_token;
	}

	private async call(operation: string, url: string, init: RequestInit): Promise<Response> {
		try {
			return await this.fetch(url, { ...init, redirect: "error", signal: AbortSignal.timeout(this.timeoutMs) });
		} catch (err) {
			// Only the error's kind: a fetch error's message can quote the request.
			const reason = err instanceof Error && err.name === "TimeoutError" ? "timed out" : "network error";
			throw new PayPalUnavailableError(operation, reason);
		}
	}
}

async function readError(res: Response): Promise<ErrorAnswer> {
	const parsed = ErrorAnswer.safeParse(await res.json().catch(() => undefined));
	// Only PayPal's codes are kept: descriptions can echo what we sent.
	if (!parsed.success) return {};
	const { name, debug_id, details, error } = parsed.data;
	return { name, debug_id, error, details: details?.map((d) => ({ issue: d.issue })) };
}

/** Long keys are hashed: the same key still gives the same header, so PayPal still de-duplicates. */
export function requestIdHeader(key: string): string {
	return key.length <= MAX_REQUEST_ID ? key : `h-${createHash("sha256").update(key).digest("base64url")}`;
}

// The headers every answer of the Worker carries, added in one place (src/index.ts) whatever
// produced the answer: a route, a cached page from memory, Cache API or KV, an error page, the
// docs, a proxied payment page.
//  - Strict-Transport-Security on every https response: after one visit the browser never
//    tries plain http again (no downgrade to steal the session cookie on a hostile network).
//  - On every HTML response, a Content-Security-Policy that includes `frame-ancestors 'none'`
//    (no page of ours can be framed: no clickjacking of "Place order") and a Referrer-Policy.
//    A page that sets its own policy (the checkout's gateway origins, the pay page's Stripe
//    sources, no-referrer on pages with a token in the address) keeps it; only a missing
//    frame-ancestors is added to it.
//  - A policy whose connect-src allows 'self' also names this host's own WebSocket origin
//    (wss://host, ws:// on plain http): the support chat widget's room. CSP 3 counts ws(s) to
//    the same host as 'self', but browsers that predate it (older Safari) do not.

export const HSTS = "max-age=31536000; includeSubDomains";

/** Pages embed nothing from a third party; their one script is our own header.js (no inline script). */
export const PAGE_CSP =
	"default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Full URLs never leave the site (they may carry a search, an order id); other sites see the origin at most. */
export const REFERRER_POLICY = "same-origin";

/** The policy with this host's ws(s) origin beside a connect-src 'self' (unchanged otherwise). */
export function withOwnSocketOrigin(csp: string, request: Request): string {
	const url = new URL(request.url);
	const socket = `${url.protocol === "https:" ? "wss:" : "ws:"}//${url.host}`;
	return csp.replace(/(^|;)(\s*connect-src\s+)([^;]*)/i, (whole, start: string, name: string, sources: string) =>
		/(^|\s)'self'(\s|$)/.test(sources) && !sources.split(/\s+/).includes(socket)
			? `${start}${name}${sources.trimEnd()} ${socket}${sources.slice(sources.trimEnd().length)}`
			: whole,
	);
}

/** The response with the security headers it lacks. */
export function withSecurityHeaders(request: Request, response: Response): Response {
	const https = request.url.startsWith("https:");
	const html = (response.headers.get("content-type") ?? "").startsWith("text/html");
	if (!https && !html) return response;
	const missing: [string, string][] = [];
	if (https && !response.headers.has("strict-transport-security")) missing.push(["strict-transport-security", HSTS]);
	if (html) {
		const csp = response.headers.get("content-security-policy");
		let policy = csp ?? PAGE_CSP;
		if (!/(^|;)\s*frame-ancestors\s/i.test(policy)) policy = `${policy}; frame-ancestors 'none'`;
		policy = withOwnSocketOrigin(policy, request);
		if (policy !== csp) missing.push(["content-security-policy", policy]);
		if (!response.headers.has("referrer-policy")) missing.push(["referrer-policy", REFERRER_POLICY]);
	}
	if (missing.length === 0) return response;
	let out = response;
	try {
		for (const [name, value] of missing) out.headers.set(name, value);
	} catch {
		// Headers of a response from fetch() or a Durable Object are immutable: copy them.
		const headers = new Headers(response.headers);
		for (const [name, value] of missing) headers.set(name, value);
		out =
			response.status === 101
				? new Response(null, { status: 101, headers, webSocket: response.webSocket })
				: new Response(response.body, { status: response.status, statusText: response.statusText, headers });
	}
	return out;
}

import { formatMoney, type Money } from "@bazaar/money";

// The sandbox's hosted payment page. Plain HTML, no script: two forms posting back to the page's
// own path (relative actions, so they come back through the edge's /sandbox-pay/<ref>), each
// carrying the shopper's form token (the edge's CSRF token of their session, checked there).

const escapeHtml = (s: string) =>
	s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

export function hostedPage(input: {
	reference: string;
	amount: Money;
	orderId: string;
	status: string;
	formToken: string;
	cancelUrl: string;
}): string {
	const amount = escapeHtml(formatMoney(input.amount));
	const ref = escapeHtml(input.reference);
	const open = input.status === "open";
	const body = open
		? `<p>This is the <strong>sandbox</strong> gateway: no card, no real money. Approve to pay, decline to fail.</p>
<form method="post" action="${ref}/approve"><input type="hidden" name="csrf" value="${escapeHtml(input.formToken)}">
<button type="submit" name="decision" value="approve">Approve payment of ${amount}</button></form>
<form method="post" action="${ref}/decline"><input type="hidden" name="csrf" value="${escapeHtml(input.formToken)}">
<button type="submit" name="decision" value="decline">Decline</button></form>
<p><a href="${escapeHtml(input.cancelUrl)}">Cancel and return to the shop</a></p>`
		: input.status === "expired"
			? `<p>This payment page has expired: the order stopped waiting for its payment. Nothing was charged.</p>
<p><a href="${escapeHtml(input.cancelUrl)}">Return to the shop</a></p>`
			: `<p>This payment was already ${escapeHtml(input.status)}.</p>`;
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox payment · ${amount}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}
.amount{font-size:2rem;font-weight:700}button{font-size:1rem;padding:.6rem 1.2rem;margin:.3rem 0;cursor:pointer}</style>
</head><body><main>
<h1>Sandbox Pay</h1>
<p class="amount" data-testid="amount">${amount}</p>
<p>Order <code>${escapeHtml(input.orderId)}</code> · payment <code>${ref}</code></p>
${body}
</main></body></html>`;
}

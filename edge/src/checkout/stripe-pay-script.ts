// The Payment Element page's own script, served from /assets (the page has no inline script).
// It mounts Stripe's Payment Element (Stripe's iframe: card data never touches our page or
// servers) and confirms with the client secret; Stripe then sends the shopper to the return
// URL, through the bank's 3-D Secure page when it asks for one. textContent only.

export const STRIPE_PAY_SCRIPT = `"use strict";
(function () {
	var root = document.getElementById("stripe-pay");
	if (!root) return;
	var form = document.getElementById("stripe-pay-form");
	var button = document.getElementById("stripe-pay-submit");
	var message = document.getElementById("stripe-pay-message");
	function say(text) {
		if (message) {
			message.textContent = text;
			message.hidden = !text;
		}
	}
	if (typeof Stripe !== "function") {
		say("The card form could not load. Check your connection and reload the page.");
		return;
	}
	var stripe = Stripe(root.getAttribute("data-publishable-key"));
	var elements = stripe.elements({ clientSecret: root.getAttribute("data-client-secret") });
	elements.create("payment").mount("#payment-element");
	if (button) button.disabled = false;
	form.addEventListener("submit", function (event) {
		event.preventDefault();
		if (button) button.disabled = true;
		say("");
		stripe
			.confirmPayment({ elements: elements, confirmParams: { return_url: root.getAttribute("data-return-url") } })
			.then(function (result) {
				// Only reached when Stripe did not redirect: the card was declined or a field is wrong.
				if (result.error) say(result.error.message || "The payment did not go through.");
				if (button) button.disabled = false;
			});
	});
})();
`;

/** FNV-1a of the source, so the versioned URL changes whenever the script does. */
function fnv1a(text: string): string {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return (h >>> 0).toString(16).padStart(8, "0");
}

export const STRIPE_PAY_SCRIPT_VERSION = fnv1a(STRIPE_PAY_SCRIPT);
export const STRIPE_PAY_SCRIPT_URL = `/assets/stripe-pay.js?v=${STRIPE_PAY_SCRIPT_VERSION}`;
/** Stripe.js must be loaded from Stripe itself (never bundled or self-hosted), per Stripe. */
export const STRIPE_JS_URL = "https://js.stripe.com/v3/";

// The one script the storefront runs. Catalog pages are cached for everyone, so they carry no
// name or cart count; this fills the header's placeholders from GET /api/me after the page has
// loaded. Without it the links still work ("Sign in" leads to the account, "Cart" to the cart).
// textContent only: a name is never parsed as HTML.

export const HEADER_SCRIPT = `"use strict";
(function () {
	fetch("/api/me", { credentials: "same-origin", headers: { accept: "application/json" } })
		.then(function (res) { return res.ok ? res.json() : null; })
		.then(function (me) {
			if (!me) return;
			var account = document.querySelector("[data-account]");
			if (account && me.user && typeof me.user.name === "string") {
				account.textContent = me.user.name;
				account.setAttribute("href", "/account");
			}
			var badge = document.querySelector("[data-cart-count]");
			var count = me.cart && typeof me.cart.count === "number" ? me.cart.count : 0;
			if (badge) {
				badge.textContent = count > 0 ? String(count) : "";
				badge.hidden = count === 0;
			}
		})
		.catch(function () {});
	// Sale countdowns: the page says the time left when it was made; this keeps it ticking.
	var clocks = document.querySelectorAll("[data-countdown]");
	if (clocks.length > 0) {
		var pad = function (n) { return (n < 10 ? "0" : "") + n; };
		var tick = function () {
			for (var i = 0; i < clocks.length; i++) {
				var left = Math.max(0, Date.parse(clocks[i].getAttribute("data-countdown")) - Date.now());
				var s = Math.floor(left / 1000), d = Math.floor(s / 86400);
				clocks[i].textContent = (d > 0 ? d + "d " : "") + pad(Math.floor((s % 86400) / 3600)) + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
			}
		};
		tick();
		setInterval(tick, 1000);
	}
})();
`;

/** FNV-1a of the source: computed synchronously at load, so the URL changes whenever the script does. */
export function fnv1a(text: string): string {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return (h >>> 0).toString(16).padStart(8, "0");
}

export const HEADER_SCRIPT_VERSION = fnv1a(HEADER_SCRIPT);
/** Versioned, so it can be cached for a year: a new script is a new URL. */
export const HEADER_SCRIPT_URL = `/assets/header.js?v=${HEADER_SCRIPT_VERSION}`;

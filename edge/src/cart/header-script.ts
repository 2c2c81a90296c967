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

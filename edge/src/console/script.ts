import { fnv1a } from "../cart/header-script";

// The console's one script, and only a convenience: every page works without it. It previews an
// image chosen for upload before the form is sent, and asks before a button marked
// data-confirm (archive, refund, cancel) submits its form. No inline script: the CSP forbids it.

export const CONSOLE_SCRIPT = `"use strict";
(function () {
	var inputs = document.querySelectorAll("input[type=file][data-preview]");
	for (var i = 0; i < inputs.length; i++) {
		inputs[i].addEventListener("change", function (e) {
			var input = e.target;
			var img = document.getElementById(input.getAttribute("data-preview"));
			if (!img) return;
			var file = input.files && input.files[0];
			if (img.src && img.src.indexOf("blob:") === 0) URL.revokeObjectURL(img.src);
			if (!file) { img.hidden = true; img.removeAttribute("src"); return; }
			img.src = URL.createObjectURL(file);
			img.hidden = false;
		});
	}
	document.addEventListener("submit", function (e) {
		var button = e.submitter;
		var text = (button && button.getAttribute("data-confirm")) || e.target.getAttribute("data-confirm");
		if (text && !window.confirm(text)) e.preventDefault();
	});
})();
`;

export const CONSOLE_SCRIPT_VERSION = fnv1a(CONSOLE_SCRIPT);
export const CONSOLE_SCRIPT_URL = `/assets/console.js?v=${CONSOLE_SCRIPT_VERSION}`;

import { fnv1a } from "../cart/header-script";
import { SUPPORT_CLIENT_URL } from "./client-script";

// The shopper's chat widget on every storefront page (views/layout.tsx; not on the consoles).
// A module script, so it runs after the page is parsed; it draws only the launcher button. The
// chat client and partysocket are fetched when the shopper first opens the panel, or at once on a
// later page of the same tab while a conversation is open (sessionStorage), so the unread badge
// keeps counting; the panel's open/closed state and a message being left for the team carry over
// too, always on the same conversation. Text is set with textContent only: nothing a person or the bot wrote is parsed
// as HTML. Links from the bot's cards are followed only when they are paths on this site.
//
// Accessibility: the launcher is a button with aria-expanded/aria-controls and an unread count in
// its name; opening moves focus to the message box, Esc (or the close button) closes and returns
// focus to the launcher (a panel reopened on a new page leaves the focus alone); new messages are
// announced by a polite live region; the connection state ("Reconnecting…") and the agent's
// typing are status regions.

export const SUPPORT_WIDGET_SCRIPT = `/* Bazaar support chat widget: see edge/src/support-widget/widget-script.ts */
var CLIENT_URL = ${JSON.stringify(SUPPORT_CLIENT_URL)};
var ACTIVE_KEY = "bazaar-support-chat";
/** {c: conversationId, id}: read up to id in this tab, so a later page counts only what is new. */
var READ_KEY = "bazaar-support-read";
/** {c, ticket}: the message left for conversation c (no agent online): a later page shows its
 * reference where the form was, and does not offer the form again. */
var LEFT_KEY = "bazaar-support-left";
/** {c, email, message}: the message being written for the team, kept when the shopper moves on. */
var DRAFT_KEY = "bazaar-support-draft";
/** "1" while the panel is open in this tab: a later page opens it again (focus stays put). */
var OPEN_KEY = "bazaar-support-open";
var MAX_TEXT = 2000;

var CSS = [
	".bz-chat{position:fixed;right:1rem;bottom:1rem;z-index:50;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d1d1f}",
	".bz-chat-launcher{display:inline-flex;align-items:center;gap:.5rem;min-height:44px;padding:0 1.1rem;border:0;border-radius:22px;background:#0b57d0;color:#fff;font:inherit;font-weight:600;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.25)}",
	".bz-chat-badge{min-width:1.4rem;padding:0 .35rem;border-radius:.7rem;background:#fff;color:#0b57d0;font-size:.85rem;text-align:center}",
	".bz-chat-panel{position:absolute;right:0;bottom:3.6rem;width:min(24rem,calc(100vw - 2rem));max-height:min(34rem,calc(100vh - 6rem));display:flex;flex-direction:column;background:#fff;border:1px solid #c4c4c8;border-radius:10px;box-shadow:0 6px 24px rgba(0,0,0,.2);overflow:hidden}",
	// The hidden attribute wins over the display rules here (the panel, its forms, its buttons).
	".bz-chat [hidden]{display:none!important}",
	".bz-chat-head{display:flex;align-items:center;justify-content:space-between;padding:.5rem .75rem;background:#111;color:#fff}",
	".bz-chat-head h2{margin:0;font-size:1rem}",
	".bz-chat-head button{min-width:44px;min-height:44px;border:0;background:transparent;color:#fff;font-size:1.4rem;cursor:pointer}",
	".bz-chat-status{margin:0;padding:.3rem .75rem;background:#fff4ce;color:#4d3800;font-size:.9rem}",
	".bz-chat-status:empty{display:none}",
	".bz-chat-typing{margin:0;padding:0 .75rem .3rem;color:#555;font-size:.85rem;font-style:italic}",
	".bz-chat-typing:empty{display:none}",
	".bz-chat-log{list-style:none;margin:0;padding:.75rem;overflow-y:auto;flex:1;display:flex;flex-direction:column;gap:.5rem}",
	".bz-chat-msg{max-width:85%;padding:.4rem .6rem;border-radius:8px;background:#f0f0f3;white-space:pre-wrap;overflow-wrap:anywhere}",
	".bz-chat-msg.bz-mine{align-self:flex-end;background:#dce7fb}",
	".bz-chat-msg.bz-system{align-self:center;background:transparent;color:#555;font-size:.9rem;text-align:center}",
	".bz-chat-who{display:block;font-size:.8rem;font-weight:600;color:#444}",
	".bz-chat-note{display:block;font-size:.8rem;color:#555}",
	".bz-chat-note.bz-failed{color:#a50e0e}",
	".bz-chat-cards{list-style:none;margin:.4rem 0 0;padding:0;display:flex;flex-direction:column;gap:.3rem}",
	".bz-chat-card{padding:.35rem .5rem;border:1px solid #c4c4c8;border-radius:6px;background:#fff}",
	".bz-chat-actions{padding:0 .75rem .5rem}",
	".bz-chat-panel button.bz-secondary{min-height:44px;padding:0 .9rem;border:1px solid #0b57d0;border-radius:6px;background:#fff;color:#0b57d0;font:inherit;cursor:pointer}",
	".bz-chat-panel form{display:flex;flex-direction:column;gap:.4rem;padding:.6rem .75rem;border-top:1px solid #e2e2e6}",
	".bz-chat-panel textarea,.bz-chat-panel input{font:inherit;padding:.4rem;border:1px solid #767676;border-radius:6px;width:100%}",
	".bz-chat-panel form button[type=submit]{align-self:flex-end;min-height:44px;padding:0 1.1rem;border:0;border-radius:6px;background:#0b57d0;color:#fff;font:inherit;font-weight:600;cursor:pointer}",
	".bz-chat-panel label{font-size:.9rem;font-weight:600}",
	".bz-chat-alert{margin:0;color:#a50e0e;font-size:.9rem}",
	".bz-chat-alert:empty{display:none}",
	".bz-chat-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}",
].join("\\n");

function el(tag, attrs, children) {
	var node = document.createElement(tag);
	if (attrs) {
		for (var k in attrs) {
			if (k === "text") node.textContent = attrs[k];
			else if (k === "class") node.className = attrs[k];
			else if (attrs[k] === true) node.setAttribute(k, "");
			else if (attrs[k] !== false && attrs[k] != null) node.setAttribute(k, attrs[k]);
		}
	}
	(children || []).forEach(function (c) { if (c) node.appendChild(c); });
	return node;
}

/** Only a path on this site (not //host, not javascript:) becomes a link. */
function sitePath(url) {
	return typeof url === "string" && /^\\/(?!\\/)/.test(url) ? url : null;
}

function formatMoney(m) {
	if (!m || typeof m.amount !== "number" || typeof m.currency !== "string") return "";
	try {
		var f = new Intl.NumberFormat(document.documentElement.lang || "en", { style: "currency", currency: m.currency });
		var digits = f.resolvedOptions().maximumFractionDigits || 0;
		return f.format(m.amount / Math.pow(10, digits));
	} catch (e) {
		return "";
	}
}

function stored(key) {
	try { return sessionStorage.getItem(key); } catch (e) { return null; }
}
function store(key, value) {
	try { if (value == null) sessionStorage.removeItem(key); else sessionStorage.setItem(key, value); } catch (e) {}
}
/** The record under key, when it is about this conversation (null otherwise). */
function storedFor(key, conversationId) {
	try {
		var m = JSON.parse(stored(key) || "null");
		return m && typeof m === "object" && conversationId && m.c === conversationId ? m : null;
	} catch (e) {
		return null;
	}
}
function readMark(conversationId) {
	var m = storedFor(READ_KEY, conversationId);
	return m && typeof m.id === "number" ? m.id : 0;
}

function remembered() {
	try { return sessionStorage.getItem(ACTIVE_KEY) === "1"; } catch (e) { return false; }
}
function remember(on) {
	try { if (on) sessionStorage.setItem(ACTIVE_KEY, "1"); else sessionStorage.removeItem(ACTIVE_KEY); } catch (e) {}
}

function start() {
	if (document.querySelector("[data-support-widget]")) return;
	document.head.appendChild(el("style", { text: CSS }));

	var badge = el("span", { class: "bz-chat-badge", "aria-hidden": "true", hidden: true });
	var unreadName = el("span", { class: "bz-chat-hidden" });
	var launcher = el("button", { type: "button", class: "bz-chat-launcher", "aria-expanded": "false", "aria-controls": "bz-chat-panel", "data-testid": "support-launcher" }, [
		el("span", { text: "Chat with us" }), unreadName, badge,
	]);
	var closeButton = el("button", { type: "button", "aria-label": "Close chat", text: "×" });
	var status = el("p", { class: "bz-chat-status", role: "status" });
	var log = el("ol", { class: "bz-chat-log", "aria-live": "polite", "aria-relevant": "additions", "aria-label": "Messages", tabindex: "0", "data-testid": "support-messages" });
	// Its own status region (polite): "… is typing" is said once when it starts, not per keystroke.
	var typingNote = el("p", { class: "bz-chat-typing", role: "status", "data-testid": "support-typing" });
	var handover = el("button", { type: "button", class: "bz-secondary", "data-handover": true, "data-testid": "support-handover", text: "Talk to a person", hidden: true });
	var actions = el("div", { class: "bz-chat-actions" }, [handover]);

	var input = el("textarea", { id: "bz-chat-text", name: "support-text", rows: "2", maxlength: String(MAX_TEXT), required: true, "data-testid": "support-input" });
	var sendAlert = el("p", { class: "bz-chat-alert", role: "alert" });
	var compose = el("form", { class: "bz-chat-compose", "data-testid": "support-compose" }, [
		el("label", { for: "bz-chat-text", text: "Your message" }), input, sendAlert,
		el("button", { type: "submit", text: "Send", "data-testid": "support-send" }),
	]);

	var leaveEmail = el("input", { id: "bz-chat-email", name: "support-email", type: "email", autocomplete: "email", maxlength: "254" });
	var leaveEmailRow = el("div", {}, [el("label", { for: "bz-chat-email", text: "Your email (we answer by mail)" }), leaveEmail]);
	var leaveText = el("textarea", { id: "bz-chat-leave", name: "support-message", rows: "3", minlength: "5", maxlength: "5000", required: true });
	var leaveAlert = el("p", { class: "bz-chat-alert", role: "alert" });
	var leave = el("form", { class: "bz-chat-leave", hidden: true, "data-testid": "support-leave-message" }, [
		el("p", { class: "bz-chat-note", text: "Nobody from our team is online right now. Leave a message and we will answer by email." }),
		leaveEmailRow,
		el("label", { for: "bz-chat-leave", text: "Your message for the team" }), leaveText, leaveAlert,
		el("button", { type: "submit", text: "Leave a message" }),
	]);
	var restart = el("button", { type: "button", class: "bz-secondary", text: "Start a new chat", hidden: true });
	actions.appendChild(restart);

	var panel = el("section", { id: "bz-chat-panel", class: "bz-chat-panel", role: "dialog", "aria-labelledby": "bz-chat-title", hidden: true, "data-testid": "support-panel" }, [
		el("div", { class: "bz-chat-head" }, [el("h2", { id: "bz-chat-title", text: "Customer support" }), closeButton]),
		status, log, typingNote, actions, leave, compose,
	]);
	var root = el("div", { class: "bz-chat", "data-support-widget": true }, [panel, launcher]);
	document.body.appendChild(root);

	var chat = null;
	var connecting = null;
	var unread = 0;
	var state = "bot";
	var mineEls = new Map();
	var connection = "closed";
	var readTimer = null;

	function isOpen() { return !panel.hidden; }

	function setUnread(n) {
		unread = n;
		badge.hidden = n === 0;
		badge.textContent = n > 0 ? String(n) : "";
		unreadName.textContent = n > 0 ? ", " + n + " unread" : "";
	}

	function setStatus(s) {
		connection = s;
		status.textContent = s === "reconnecting" ? "Reconnecting…" : s === "connecting" ? "Connecting…" : "";
		status.setAttribute("data-status", s);
	}

	function setState(s) {
		state = s;
		handover.hidden = s !== "bot";
		var over = s === "closed";
		compose.hidden = over;
		restart.hidden = !over;
		if (over) { leave.hidden = true; remember(false); }
	}

	function scroll() { log.scrollTop = log.scrollHeight; }

	function who(author) {
		if (!author) return "";
		if (author.kind === "bot") return "Assistant";
		if (author.kind === "shopper") return "You";
		return author.name || "Support";
	}

	function cardNode(card) {
		if (card.kind === "handover") {
			var b = el("button", { type: "button", class: "bz-secondary", text: "Talk to a person" });
			b.addEventListener("click", askForPerson);
			return el("li", {}, [b]);
		}
		var href = sitePath(card.url);
		var title = card.kind === "order" ? "Order " + card.number : card.title;
		var link = href ? el("a", { href: href, text: title }) : el("span", { text: title });
		var extra = card.kind === "order" ? card.status : card.kind === "product" ? formatMoney(card.price) : "";
		return el("li", { class: "bz-chat-card", "data-card": card.kind }, [
			link, extra ? el("span", { class: "bz-chat-note", text: extra }) : null,
		]);
	}

	function systemText(e) {
		switch (e.event) {
			case "handed_over": return "We are finding a person to help you.";
			case "agents_offline": return "Nobody from our team is online right now. You can leave a message below.";
			case "claimed": return (e.agent || "An agent") + " will help you now.";
			case "joined": return (e.agent || "An agent") + " joined the chat.";
			case "transferred": return (e.agent || "Another agent") + " took over the chat.";
			case "closed": return "This chat has ended.";
			default: return "";
		}
	}

	function onEntry(e) {
		var item;
		if (e.type === "system") {
			item = el("li", { class: "bz-chat-msg bz-system", "data-event": e.event, text: systemText(e) });
			if (e.event === "handed_over") setState("waiting");
			else if (e.event === "claimed" || e.event === "joined" || e.event === "transferred") { setState("active"); leave.hidden = true; }
			else if (e.event === "closed") setState("closed");
		} else {
			var mine = e.author && e.author.kind === "shopper";
			item = el("li", { class: "bz-chat-msg" + (mine ? " bz-mine" : ""), "data-author": e.author ? e.author.kind : "" }, [
				el("span", { class: "bz-chat-who", text: who(e.author) }),
				el("span", { text: e.text }),
				e.cards && e.cards.length ? el("ul", { class: "bz-chat-cards", "aria-label": "Details" }, e.cards.map(cardNode)) : null,
			]);
			if (!mine && !isOpen() && e.id > readMark(conversation())) setUnread(unread + 1);
		}
		log.appendChild(item);
		if (e.type === "system" && e.event === "agents_offline" && state === "waiting") {
			var left = storedFor(LEFT_KEY, conversation());
			if (left) log.appendChild(thanksItem(left.ticket));
			else showLeaveForm();
		}
		scroll();
		if (isOpen()) markRead();
	}

	function thanksItem(ticket) {
		var ref = typeof ticket === "string" && ticket ? " (reference " + ticket + ")" : "";
		return el("li", { class: "bz-chat-msg bz-system", "data-ticket": ticket || "", text: "Thank you: we got your message" + ref + " and will answer by email." });
	}

	function conversation() { return chat ? chat.conversationId : undefined; }

	/** The tab's read mark at once (the shopper may leave the page next); one read frame for a
	 * burst of entries (a replay has many; the room throttles frames). */
	function markRead() {
		if (!chat || !chat.lastSeenId) return;
		store(READ_KEY, JSON.stringify({ c: chat.conversationId, id: chat.lastSeenId }));
		if (readTimer) return;
		readTimer = setTimeout(function () {
			readTimer = null;
			if (chat && chat.lastSeenId) chat.send({ type: "read", upTo: chat.lastSeenId });
		}, 300);
	}

	function onHistory(h) {
		setState(h.state);
	}

	function onError(frame) {
		if (frame.clientId && mineEls.has(frame.clientId) && frame.code !== "too_fast") {
			var note = mineEls.get(frame.clientId);
			note.textContent = "Not sent: " + frame.detail;
			note.classList.add("bz-failed");
		} else if (frame.code === "bot_unavailable") {
			sendAlert.textContent = frame.detail;
		}
	}

	function connect() {
		if (connecting) return connecting;
		setStatus("connecting");
		connecting = import(CLIENT_URL)
			.then(function (mod) {
				return mod.connectSupport({}, {
					onEntry: onEntry,
					onHistory: onHistory,
					onError: onError,
					onStatus: setStatus,
					onAck: function (clientId) {
						var note = mineEls.get(clientId);
						if (note) note.textContent = "";
					},
					onTyping: function (author, on) {
						if (author.kind === "shopper") return;
						typingNote.textContent = on ? who(author) + " is typing…" : "";
					},
					// The room will not take this tab back (signed out, conversation gone): say so, and
					// let the next message start over with a fresh conversation.
					onRefused: function (problem) {
						remember(false);
						chat = null;
						connecting = null;
						sendAlert.textContent = (problem && problem.detail) || "The chat was disconnected. Send a message to start again.";
					},
				});
			})
			.then(function (c) {
				chat = c;
				remember(true);
				return c;
			})
			.catch(function (err) {
				connecting = null;
				setStatus("");
				sendAlert.textContent = (err && err.message) || "The chat is not available right now.";
				throw err;
			});
		return connecting;
	}

	/** restoring: reopened on a new page as the shopper left it, so focus stays where the page puts it. */
	function open(restoring) {
		panel.hidden = false;
		launcher.setAttribute("aria-expanded", "true");
		store(OPEN_KEY, "1");
		setUnread(0);
		if (!restoring) (compose.hidden ? (leave.hidden ? closeButton : leaveText) : input).focus();
		scroll();
		connect().then(markRead, function () {});
	}

	function close() {
		panel.hidden = true;
		launcher.setAttribute("aria-expanded", "false");
		store(OPEN_KEY, null);
		launcher.focus();
	}

	function askForPerson() {
		connect().then(function (c) { c.send({ type: "handover" }); }, function () {});
	}

	function showLeaveForm() {
		leave.hidden = false;
		var draft = storedFor(DRAFT_KEY, conversation());
		if (draft) {
			if (!leaveEmail.value && typeof draft.email === "string") leaveEmail.value = draft.email;
			if (!leaveText.value && typeof draft.message === "string") leaveText.value = draft.message;
		}
		fetch("/api/me", { credentials: "same-origin", headers: { accept: "application/json" } })
			.then(function (r) { return r.ok ? r.json() : null; })
			.then(function (me) {
				var signedIn = !!(me && me.user);
				leaveEmailRow.hidden = signedIn;
				leaveEmail.required = !signedIn;
			})
			.catch(function () {});
	}

	launcher.addEventListener("click", function () { if (isOpen()) close(); else open(); });
	closeButton.addEventListener("click", close);
	handover.addEventListener("click", askForPerson);
	root.addEventListener("keydown", function (e) {
		if (e.key === "Escape" && isOpen()) { e.preventDefault(); close(); }
	});
	input.addEventListener("keydown", function (e) {
		if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); compose.requestSubmit(); }
	});
	// Typing is for a person: the bot does not read it, so nothing is sent until an agent has the chat.
	input.addEventListener("input", function () {
		if (chat && state === "active") chat.typing(input.value.trim() !== "");
	});
	input.addEventListener("blur", function () {
		if (chat) chat.typing(false);
	});

	compose.addEventListener("submit", function (e) {
		e.preventDefault();
		var text = input.value.trim();
		if (!text) return;
		sendAlert.textContent = "";
		connect().then(function (c) {
			var note = el("span", { class: "bz-chat-note", text: "Sending…" });
			var clientId = c.sendText(text);
			mineEls.set(clientId, note);
			log.appendChild(el("li", { class: "bz-chat-msg bz-mine", "data-author": "shopper", "data-client-id": clientId }, [
				el("span", { class: "bz-chat-who", text: "You" }), el("span", { text: text }), note,
			]));
			scroll();
			input.value = "";
		}, function () {});
	});

	leave.addEventListener("input", function () {
		store(DRAFT_KEY, JSON.stringify({ c: conversation(), email: leaveEmail.value, message: leaveText.value }));
	});

	leave.addEventListener("submit", function (e) {
		e.preventDefault();
		leaveAlert.textContent = "";
		var body = { message: leaveText.value.trim() };
		if (!leaveEmailRow.hidden && leaveEmail.value.trim()) body.email = leaveEmail.value.trim();
		if (chat && chat.conversationId) body.conversationId = chat.conversationId;
		fetch("/api/support/tickets", {
			method: "POST",
			credentials: "same-origin",
			headers: { "content-type": "application/json", accept: "application/json" },
			body: JSON.stringify(body),
		})
			.then(function (r) { return r.json().catch(function () { return null; }).then(function (j) { return { ok: r.ok, body: j }; }); })
			.then(function (res) {
				if (!res.ok) {
					leaveAlert.textContent = (res.body && (res.body.detail || res.body.title)) || "Your message could not be sent. Try again.";
					return;
				}
				var ticket = res.body && typeof res.body.id === "string" ? res.body.id : "";
				store(LEFT_KEY, JSON.stringify({ c: conversation(), ticket: ticket }));
				store(DRAFT_KEY, null);
				leave.hidden = true;
				leaveText.value = "";
				log.appendChild(thanksItem(ticket));
				scroll();
				closeButton.focus();
			})
			.catch(function () { leaveAlert.textContent = "Your message could not be sent. Try again."; });
	});

	restart.addEventListener("click", function () {
		if (chat) chat.disconnect();
		chat = null;
		connecting = null;
		mineEls.clear();
		while (log.firstChild) log.removeChild(log.firstChild);
		setState("bot");
		input.focus();
		connect().catch(function () {});
	});

	// A conversation open in this tab: connect now (quietly), so new answers count as unread, and
	// reopen the panel if the shopper left it open. Without one, nothing is reopened: opening
	// would start a new conversation the shopper did not ask for.
	if (remembered()) {
		if (stored(OPEN_KEY) === "1") open(true);
		else connect().catch(function () {});
	} else {
		store(OPEN_KEY, null);
	}
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
`;

export const SUPPORT_WIDGET_SCRIPT_VERSION = fnv1a(SUPPORT_WIDGET_SCRIPT);
export const SUPPORT_WIDGET_SCRIPT_URL = `/assets/support-widget.js?v=${SUPPORT_WIDGET_SCRIPT_VERSION}`;

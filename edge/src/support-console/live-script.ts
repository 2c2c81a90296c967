import { fnv1a } from "../cart/header-script";
import { SUPPORT_CLIENT_URL } from "../support-widget/client-script";

// The live agent console's module (/support/live): the lobby's queue with wait times, claim,
// presence, one claimed conversation at a time with the shopper's recent orders beside it,
// canned replies, transfer and close. Every socket goes through the one shared support client
// (SUPPORT_CLIENT_URL: tickets per reconnect, replay, resend until acknowledged); this module only
// draws. Everything a person wrote is set as textContent, never as HTML; the orders panel is a
// server-rendered (escaped) fragment from our own origin. Plain ES2020, no template literals.

export const SUPPORT_CONSOLE_SCRIPT = `import { connectSupport } from ${JSON.stringify(SUPPORT_CLIENT_URL)};

var root = document.getElementById("live");
var me = root.getAttribute("data-agent-id");
var $ = function (id) { return document.getElementById(id); };
var queueList = $("queue"), agentsStatus = $("lobby-status"), notice = $("notice");
var convo = $("conversation"), log = $("messages"), form = $("reply"), text = $("reply-text");
var orders = $("orders"), transferTo = $("transfer-to"), peerTyping = $("peer-typing");
var lobby = null, chat = null, current = null, latest = null, skew = 0;

function say(words) { notice.textContent = words; }
function el(tag, cls, words) {
	var e = document.createElement(tag);
	if (cls) e.className = cls;
	if (words !== undefined) e.textContent = words;
	return e;
}
function waitText(since) {
	var s = Math.max(0, Math.round((Date.now() + skew - Date.parse(since)) / 1000));
	return s < 60 ? s + " s" : Math.floor(s / 60) + " min " + (s % 60) + " s";
}
function tick() {
	var spans = queueList.querySelectorAll("[data-since]");
	for (var i = 0; i < spans.length; i++) spans[i].textContent = waitText(spans[i].getAttribute("data-since"));
}
setInterval(tick, 1000);

function drawQueue(frame) {
	latest = frame;
	skew = Date.parse(frame.now) - Date.now();
	queueList.textContent = "";
	var entries = frame.entries.filter(function (e) { return e.state === "waiting" || e.agentId === me; });
	if (entries.length === 0) queueList.appendChild(el("li", "muted", "Nobody is waiting."));
	entries.forEach(function (e) {
		var li = el("li");
		li.setAttribute("data-conversation-id", e.conversationId);
		li.appendChild(el("strong", "", e.shopperName));
		li.appendChild(document.createTextNode(" — "));
		if (e.state === "waiting") {
			li.appendChild(document.createTextNode("waiting "));
			var w = el("span", "wait", waitText(e.waitingSince));
			w.setAttribute("data-since", e.waitingSince);
			li.appendChild(w);
			var b = el("button", "", "Claim");
			b.type = "button";
			b.setAttribute("data-claim", e.conversationId);
			li.appendChild(document.createTextNode(" "));
			li.appendChild(b);
		} else {
			li.appendChild(document.createTextNode("yours "));
			var o = el("button", "", "Open");
			o.type = "button";
			o.setAttribute("data-open", e.conversationId);
			li.appendChild(o);
		}
		queueList.appendChild(li);
	});
	var online = frame.agents.filter(function (a) { return a.status === "online"; });
	agentsStatus.textContent = online.length + " agent" + (online.length === 1 ? "" : "s") + " online";
	var chosen = transferTo.value;
	transferTo.textContent = "";
	transferTo.appendChild(el("option", "", "Choose an agent"));
	transferTo.options[0].value = "";
	online.forEach(function (a) {
		if (a.agentId === me) return;
		var opt = el("option", "", a.name);
		opt.value = a.agentId;
		transferTo.appendChild(opt);
	});
	transferTo.value = chosen;
	if (current && !frame.entries.some(function (e) { return e.conversationId === current && e.agentId === me; }) && chat && chat.status !== "open") closeView();
}

function entryItem(entry) {
	if (entry.type === "system") {
		var words = entry.event.replace("_", " ") + (entry.agent ? " (" + entry.agent + ")" : "");
		return el("li", "system", words);
	}
	var li = el("li", entry.author.kind);
	li.appendChild(el("strong", "", (entry.author.name || entry.author.kind) + ": "));
	li.appendChild(document.createTextNode(entry.text));
	(entry.cards || []).forEach(function (card) {
		if (card.kind === "order") li.appendChild(el("span", "card", " [order " + card.number + ": " + card.status + "]"));
		else if (card.title) li.appendChild(el("span", "card", " [" + card.kind + ": " + card.title + "]"));
	});
	return li;
}
function addEntry(entry) {
	if (entry.type === "system" && entry.event === "closed") {
		log.appendChild(entryItem(entry));
		say("The conversation is closed; its transcript is in the core.");
		form.hidden = true;
		return;
	}
	log.appendChild(entryItem(entry));
	log.scrollTop = log.scrollHeight;
}

function closeView() {
	if (chat) chat.disconnect();
	chat = null;
	current = null;
	convo.hidden = true;
}

function customerOf(id) {
	var e = latest && latest.entries.find(function (x) { return x.conversationId === id; });
	return e ? e.customerId : null;
}

async function openConversation(id) {
	if (chat) chat.disconnect();
	current = id;
	log.textContent = "";
	peerTyping.textContent = "";
	form.hidden = false;
	convo.hidden = false;
	convo.setAttribute("data-conversation-id", id);
	var customer = customerOf(id);
	orders.textContent = customer ? "Loading…" : "A guest: no account.";
	if (customer) {
		fetch("/support/live/customers/" + encodeURIComponent(customer) + "/orders", { credentials: "same-origin" })
			.then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
			.then(function (html) { if (current === id) orders.innerHTML = html; })
			.catch(function () { if (current === id) orders.textContent = "The orders could not be read."; });
	}
	try {
		chat = await connectSupport({ conversationId: id }, {
			onEntry: addEntry,
			onAck: function () {},
			onTyping: function (author, on) {
				if (author.kind === "shopper") peerTyping.textContent = on ? (author.name || "The shopper") + " is typing…" : "";
			},
			onError: function (f) { say(f.detail); },
			onStatus: function (s) { $("conversation-status").textContent = s === "open" ? "" : s === "reconnecting" ? "Reconnecting…" : s; },
			onRefused: function (p) { say(p.detail || p.title); },
		});
	} catch (err) {
		say((err.problem && err.problem.detail) || "This conversation could not be opened.");
	}
}

queueList.addEventListener("click", function (e) {
	var t = e.target;
	var claim = t.getAttribute && t.getAttribute("data-claim");
	if (claim) { t.disabled = true; lobby.send({ type: "claim", conversationId: claim }); }
	var open = t.getAttribute && t.getAttribute("data-open");
	if (open) openConversation(open);
});

form.addEventListener("submit", function (e) {
	e.preventDefault();
	var words = text.value.trim();
	if (!words || !chat) return;
	var li = entryItem({ type: "text", author: { kind: "agent", name: "You" }, text: words });
	log.appendChild(li);
	chat.sendText(words);
	text.value = "";
});
text.addEventListener("input", function () {
	if (chat) chat.typing(text.value.trim() !== "");
});
text.addEventListener("blur", function () {
	if (chat) chat.typing(false);
});
$("use-canned").addEventListener("click", function () {
	var sel = $("canned");
	var opt = sel.options[sel.selectedIndex];
	if (opt && opt.value) {
		text.value = opt.getAttribute("data-body");
		text.focus();
		if (chat) chat.typing(true);
	}
});
$("close").addEventListener("click", function () {
	if (chat && window.confirm("Close this conversation?")) chat.send({ type: "close" });
});
$("transfer").addEventListener("click", function () {
	if (!current || !transferTo.value) { say("Choose an agent to hand it to."); return; }
	lobby.send({ type: "transfer", conversationId: current, toAgentId: transferTo.value });
	say("Handed over.");
	closeView();
});
$("presence").addEventListener("change", function (e) {
	if (lobby) lobby.send({ type: "presence", status: e.target.value });
});

try {
	lobby = await connectSupport({ target: "lobby" }, {
		onFrame: function (f) {
			if (f.type === "queue") drawQueue(f);
			else if (f.type === "claimed") { say("You have " + (f.conversationId) + "."); openConversation(f.conversationId); }
			else if (f.type === "taken") say("Taken by " + f.agentName + ".");
		},
		onError: function (f) { say(f.detail); },
		onStatus: function (s) {
			$("lobby-conn").textContent = s === "open" ? "Connected" : s === "reconnecting" ? "Reconnecting…" : s;
			if (s === "open" && lobby && $("presence").value !== "online") lobby.send({ type: "presence", status: $("presence").value });
		},
		onRefused: function (p) { say(p.detail || p.title); },
	});
} catch (err) {
	say((err.problem && err.problem.detail) || "The lobby could not be opened.");
}
`;

export const SUPPORT_CONSOLE_SCRIPT_VERSION = fnv1a(SUPPORT_CONSOLE_SCRIPT);
export const SUPPORT_CONSOLE_SCRIPT_URL = `/assets/support-console.js?v=${SUPPORT_CONSOLE_SCRIPT_VERSION}`;

import { fnv1a } from "../cart/header-script";
import { PARTYSOCKET_SOURCE } from "./partysocket-bundle";

// partysocket and the browser's support chat client, served from our own origin as ES modules
// (the page CSP allows scripts from 'self' only; no CDN). Both URLs carry a hash of their source,
// so they are cached for a year and a new version is a new URL (routes/assets.ts).

export const PARTYSOCKET_SCRIPT = PARTYSOCKET_SOURCE;
export const PARTYSOCKET_SCRIPT_VERSION = fnv1a(PARTYSOCKET_SCRIPT);
export const PARTYSOCKET_SCRIPT_URL = `/assets/partysocket.js?v=${PARTYSOCKET_SCRIPT_VERSION}`;

// The one client every support page uses: the shopper's widget (widget-script.ts) and the agents'
// console import it. Plain ES2020 JavaScript (it runs as is in the browser): no template
// literals, so this TypeScript string needs no escaping.
export const SUPPORT_CLIENT_SCRIPT = `/*
 * Bazaar support chat client (ES module, served at /assets/support-client.js?v=<hash>).
 * One connection to one support room: the shopper's own conversation, a conversation an agent
 * claimed, or the agents' lobby. It fetches a fresh single-use ticket from POST /api/support/join
 * for every (re)connect (partysocket's query function), says hello with the last message id seen
 * and gets the rest replayed, and resends every text until the room acknowledges it, so reconnects
 * lose and double nothing. Frames are those of packages/contracts/src/chat.ts.
 *
 * API (names are stable):
 *
 *   import { connectSupport, joinSupport, newClientId, parseFrame } from "/assets/support-client.js?v=…";
 *
 *   const chat = await connectSupport(target, handlers?, options?)
 *     target   {}                      the shopper's own open conversation (or a new one)
 *              { target: "lobby" }     the agents' lobby (support_agent or admin)
 *              { conversationId }      a conversation (the shopper's own, or one the agent claimed)
 *     handlers (all optional)
 *       onEntry(entry)       a stored message or system event (ChatText | ChatSystem), once each, in
 *                            id order, whether live or replayed after a reconnect; texts sent through
 *                            this connection's sendText come as onAck instead (render them when sent)
 *       onFrame(frame)       every frame as received (typing, read, queue, claimed, taken, …)
 *       onTyping(author, on) the other side started (on) or stopped typing; a start not renewed
 *                            within PEER_TYPING_MS, or followed by that author's text, stops by itself
 *       onHistory(frame)     the room's answer to hello (state, agent, readUpTo); entries also go to onEntry
 *       onAck(clientId, id)  the room stored a text this client sent
 *       onError(frame)       an error frame (a text the room refused has frame.clientId)
 *       onStatus(status)     "connecting" | "open" | "reconnecting" | "closed"
 *       onRefused(problem)   POST /api/support/join refused for good (problem details); status goes "closed"
 *     options  { lastSeenId = 0 }   replay only what came after this id
 *   Rejects (with .status and .problem) when the first ticket is refused.
 *
 *   chat.conversationId   the conversation's id (undefined for the lobby)
 *   chat.party, chat.room where it is connected
 *   chat.lastSeenId       the highest entry id delivered to onEntry
 *   chat.status           as onStatus
 *   chat.sendText(text)   → clientId; kept and resent (after each reconnect, and every few seconds
 *                         while open) until acknowledged; a text the room refuses (closed,
 *                         invalid) goes to onError with its clientId and is dropped
 *   chat.pending()        [{ clientId, text }] not yet acknowledged
 *   chat.typing(on?)      call on every keystroke (on omitted or true): says "typing" at most once per
 *                         TYPING_EVERY_MS, and "stopped" after TYPING_IDLE_MS without one; on=false
 *                         (the box was emptied or left) says "stopped" now; sendText does too
 *   chat.send(frame)      any other frame as an object ({type:"handover"}, {type:"read",upTo},
 *                         {type:"close"}, {type:"claim",conversationId}, …);
 *                         false when the socket is not open (it is not queued)
 *   chat.disconnect()     closes the socket for good (the conversation stays open)
 *   chat.socket           the PartySocket (for tests; reconnect() forces a reconnect)
 *
 *   joinSupport(target)  → Promise<SupportJoinAnswer> (POST /api/support/join), throws like connectSupport
 *   newClientId()        → a fresh client id for a text
 *   parseFrame(data)     → the frame object, or null when it is not a JSON object with a string type
 */
import { PartySocket } from ${JSON.stringify(PARTYSOCKET_SCRIPT_URL)};

var ROOM_PARTY = "support-room";
/** How long a text may wait for its ack on an open socket before it is sent again. */
var RESEND_MS = 3000;
/** A person typing says so at most this often: the other side's indicator stays up between. */
var TYPING_EVERY_MS = 2500;
/** No keystroke for this long: "stopped typing". */
var TYPING_IDLE_MS = 4000;
/** A peer's "typing" not renewed for this long is over (its "stopped" may have been lost with its socket). */
var PEER_TYPING_MS = 7000;

export function newClientId() {
	if (crypto.randomUUID) return crypto.randomUUID();
	var bytes = crypto.getRandomValues(new Uint8Array(16));
	return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
}

export function parseFrame(data) {
	if (typeof data !== "string") return null;
	try {
		var frame = JSON.parse(data);
		return frame && typeof frame === "object" && typeof frame.type === "string" ? frame : null;
	} catch (e) {
		return null;
	}
}

export async function joinSupport(target) {
	var res = await fetch("/api/support/join", {
		method: "POST",
		credentials: "same-origin",
		headers: { "content-type": "application/json", accept: "application/json" },
		body: JSON.stringify(target || {}),
	});
	var body = null;
	try { body = await res.json(); } catch (e) {}
	if (!res.ok) {
		var err = new Error((body && (body.detail || body.title)) || "The chat could not be joined (" + res.status + ").");
		err.status = res.status;
		err.problem = body;
		throw err;
	}
	return body;
}

/** 4xx answers other than 408/429 do not get better by asking again. */
function isFinal(err) {
	return typeof err.status === "number" && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429;
}

export async function connectSupport(target, handlers, options) {
	handlers = handlers || {};
	options = options || {};
	var first = await joinSupport(target || {});
	// A reconnect must reach the same room: a shopper's {} could open a new conversation once this one closed.
	var again = first.conversationId ? { conversationId: first.conversationId } : target || {};
	var conversation = first.party === ROOM_PARTY;
	var spare = first.ticket;
	var pending = new Map();
	var mine = new Set();
	var resendTimer = null;
	var opened = false;
	var done = false;

	var chat = {
		conversationId: first.conversationId,
		party: first.party,
		room: first.room,
		lastSeenId: options.lastSeenId || 0,
		status: "connecting",
		socket: null,
		sendText: sendText,
		pending: function () {
			return Array.from(pending, function (e) { return { clientId: e[0], text: e[1].text }; });
		},
		send: send,
		typing: typing,
		disconnect: function () { finish(); },
	};

	// Our side's typing: one "typing" per TYPING_EVERY_MS while keys go down, one "stopped" after.
	var typingSentAt = 0;
	var typingIdle = null;
	function typing(on) {
		clearTimeout(typingIdle);
		typingIdle = null;
		if (on === false) {
			if (typingSentAt) send({ type: "typing", typing: false });
			typingSentAt = 0;
			return;
		}
		var now = Date.now();
		if (now - typingSentAt >= TYPING_EVERY_MS && send({ type: "typing", typing: true })) typingSentAt = now;
		typingIdle = setTimeout(function () { typing(false); }, TYPING_IDLE_MS);
	}

	// The other side's typing, by author: shown until they stop, send a text, go quiet or this
	// socket drops (a reconnect cannot know whether they went on).
	var peersTyping = new Map();
	function peerTyping(author, on) {
		if (!author || !handlers.onTyping) return;
		var key = author.kind + ":" + (author.name || "");
		var was = peersTyping.get(key);
		if (was) clearTimeout(was.timer);
		if (on) {
			peersTyping.set(key, { author: author, timer: setTimeout(function () { peerTyping(author, false); }, PEER_TYPING_MS) });
			if (!was) handlers.onTyping(author, true);
		} else if (was) {
			peersTyping.delete(key);
			handlers.onTyping(author, false);
		}
	}
	function peersStopped() {
		peersTyping.forEach(function (p) { peerTyping(p.author, false); });
	}

	function setStatus(status) {
		if (chat.status === status) return;
		chat.status = status;
		if (handlers.onStatus) handlers.onStatus(status);
	}

	function finish() {
		if (done) return;
		done = true;
		clearInterval(resendTimer);
		clearTimeout(typingIdle);
		peersStopped();
		if (chat.socket) chat.socket.close();
		setStatus("closed");
	}

	function send(frame) {
		var ws = chat.socket;
		if (!ws || ws.readyState !== 1) return false;
		ws.send(JSON.stringify(frame));
		return true;
	}

	function resend(olderThan) {
		var now = Date.now();
		pending.forEach(function (p, clientId) {
			if (now - p.at < olderThan) return;
			p.at = now;
			send({ type: "text", clientId: clientId, text: p.text });
		});
	}

	function sendText(text) {
		var clientId = newClientId();
		mine.add(clientId);
		typing(false);
		pending.set(clientId, { text: text, at: Date.now() });
		send({ type: "text", clientId: clientId, text: text });
		return clientId;
	}

	function acked(clientId, id) {
		// The room sends a connection its entries in id order, its own texts as acks: so an ack's id is seen too.
		if (id > chat.lastSeenId) chat.lastSeenId = id;
		if (pending.delete(clientId) && handlers.onAck) handlers.onAck(clientId, id);
	}

	function deliver(entry) {
		if (!entry || typeof entry.id !== "number" || entry.id <= chat.lastSeenId) return;
		if (entry.type === "text" && mine.has(entry.clientId)) return acked(entry.clientId, entry.id);
		chat.lastSeenId = entry.id;
		if (entry.type === "text") peerTyping(entry.author, false);
		if (handlers.onEntry) handlers.onEntry(entry);
		if (entry.type === "system" && entry.event === "closed") finish();
	}

	var early = null;
	var socket = new PartySocket({
		host: location.host,
		protocol: location.protocol === "https:" ? "wss" : "ws",
		party: first.party,
		room: first.room,
		minReconnectionDelay: 500,
		maxReconnectionDelay: 8000,
		// A ticket is good for one connection: the first is the one joinSupport fetched above,
		// every later (re)connect fetches its own.
		query: async function () {
			if (spare) {
				var t = spare;
				spare = null;
				return { ticket: t };
			}
			try {
				return { ticket: (await joinSupport(again)).ticket };
			} catch (err) {
				if (isFinal(err)) {
					if (handlers.onRefused) handlers.onRefused(err.problem || { status: err.status, detail: err.message });
					finish();
				}
				throw err;
			}
		},
	});
	chat.socket = socket;

	socket.addEventListener("open", function () {
		opened = true;
		setStatus("open");
		if (!conversation) return;
		// Live entries the room sends before its answer to hello (an agent's "joined") wait for the
		// replay, or they would move lastSeenId past the entries the replay brings.
		early = [];
		send({ type: "hello", lastSeenId: chat.lastSeenId });
		// Whatever has no ack yet goes again; the room stores each clientId once.
		resend(0);
	});
	socket.addEventListener("close", function () {
		typingSentAt = 0;
		peersStopped();
		if (!done) setStatus(opened ? "reconnecting" : "connecting");
	});
	socket.addEventListener("message", function (event) {
		var frame = parseFrame(event.data);
		if (!frame) return;
		if (handlers.onFrame) handlers.onFrame(frame);
		if (frame.type === "history") {
			if (handlers.onHistory) handlers.onHistory(frame);
			(frame.entries || []).forEach(deliver);
			var waiting = early || [];
			early = null;
			waiting.forEach(deliver);
		} else if (frame.type === "system" || (frame.type === "text" && typeof frame.id === "number")) {
			if (early) early.push(frame);
			else deliver(frame);
		} else if (frame.type === "typing") {
			peerTyping(frame.author, frame.typing === true);
		} else if (frame.type === "ack") {
			acked(frame.clientId, frame.id);
		} else if (frame.type === "error") {
			// A refused text is dropped; one the throttle dropped (too_fast) stays and goes again.
			if (frame.clientId && frame.code !== "too_fast") pending.delete(frame.clientId);
			if (handlers.onError) handlers.onError(frame);
		}
	});
	// Resend-until-ack also covers a text lost without a reconnect (dropped by the throttle, say).
	resendTimer = setInterval(function () {
		if (chat.socket.readyState === 1) resend(RESEND_MS);
	}, RESEND_MS / 2);
	setStatus("connecting");
	return chat;
}
`;

export const SUPPORT_CLIENT_SCRIPT_VERSION = fnv1a(SUPPORT_CLIENT_SCRIPT);
/** What pages and other modules import (`import { connectSupport } from SUPPORT_CLIENT_URL`). */
export const SUPPORT_CLIENT_URL = `/assets/support-client.js?v=${SUPPORT_CLIENT_SCRIPT_VERSION}`;

import { ARTICLE_TOPICS, type Article } from "@bazaar/contracts/support";
import { SUPPORT_CONSOLE_SCRIPT_URL } from "../support-console/live-script";
import { Csrf, type FormMessage, Message } from "./account-pages";
import { ConsoleLayout } from "./console-layout";

// The live agent console (/support/live) and the canned replies' editing page (/support/canned).
// The live page is a server-rendered shell; its module (support-console/live-script.ts) fills the
// queue and the conversation from the lobby's and the room's sockets. Canned replies are the
// knowledge base's articles marked `canned` (core support module), offered in a list.

interface Frame {
	roles: readonly string[];
	csrf: string;
}

const LIVE_CSS = `
.live{display:grid;grid-template-columns:minmax(14rem,1fr) 2fr minmax(14rem,1fr);gap:1rem;align-items:start}
.live section,.live aside{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:.6rem .9rem}
#queue{list-style:none;padding:0}#queue li{padding:.3rem 0;border-bottom:1px solid #eee}
#messages{list-style:none;padding:0;max-height:24rem;overflow-y:auto}
#messages li{padding:.25rem 0}#messages li.system{color:#555;font-style:italic}
#messages li.agent{color:#1f2a44}
.live textarea{width:100%;min-height:4rem}
@media (max-width:60rem){.live{grid-template-columns:1fr}}
`;

export function LiveConsole(props: Frame & { agentId: string; canned: Article[] }) {
	return (
		<ConsoleLayout title="Live support" roles={props.roles} csrf={props.csrf}>
			<style dangerouslySetInnerHTML={{ __html: LIVE_CSS }} />
			<script type="module" src={SUPPORT_CONSOLE_SCRIPT_URL} />
			<p>
				<a href="/support">Tickets and transcripts</a> · <a href="/support/canned">Canned replies</a>
			</p>
			<h1>Live support</h1>
			<div id="live" data-agent-id={props.agentId}>
				<p class="actions">
					<label for="presence">Your status</label>
					<select id="presence">
						<option value="online">Online</option>
						<option value="away">Away</option>
					</select>
					<span id="lobby-conn">Connecting…</span> · <span id="lobby-status" />
				</p>
				<p id="notice" role="status" aria-live="polite" />
				<div class="live">
					<section aria-labelledby="queue-h">
						<h2 id="queue-h">Queue</h2>
						<ul id="queue" aria-live="polite">
							<li class="muted">Connecting to the lobby…</li>
						</ul>
					</section>
					<section id="conversation" aria-labelledby="conversation-h" hidden>
						<h2 id="conversation-h">Conversation</h2>
						<p id="conversation-status" role="status" />
						<ol id="messages" aria-live="polite" />
						<p id="peer-typing" class="muted" role="status" />
						<form id="reply">
							<label for="canned">Canned reply</label>
							<select id="canned">
								<option value="">Choose a reply</option>
								{props.canned.map((a) => (
									<option value={a.id} data-body={a.body}>
										{a.title}
									</option>
								))}
							</select>
							<button type="button" id="use-canned">
								Use
							</button>
							<label for="reply-text" class="block">
								Your message
							</label>
							<textarea id="reply-text" maxlength={2000} />
							<div class="actions">
								<button type="submit">Send</button>
								<label for="transfer-to">Hand to</label>
								<select id="transfer-to">
									<option value="">Choose an agent</option>
								</select>
								<button type="button" id="transfer">
									Transfer
								</button>
								<button type="button" id="close" class="danger">
									Close the conversation
								</button>
							</div>
						</form>
					</section>
					<aside aria-labelledby="orders-h">
						<h2 id="orders-h">Shopper's recent orders</h2>
						<div id="orders">
							<p>Open a conversation to see them.</p>
						</div>
					</aside>
				</div>
			</div>
		</ConsoleLayout>
	);
}

export function CannedPage(props: Frame & { canned: Article[]; message?: FormMessage | undefined }) {
	return (
		<ConsoleLayout title="Canned replies" roles={props.roles} csrf={props.csrf}>
			<p>
				<a href="/support/live">Live support</a>
			</p>
			<h1>Canned replies</h1>
			<Message message={props.message} />
			{props.canned.length === 0 ? (
				<p>No canned replies yet.</p>
			) : (
				<ul class="canned">
					{props.canned.map((a) => (
						<li data-article-id={a.id}>
							<form method="post" action={`/support/canned/${a.id}`}>
								<Csrf token={props.csrf} />
								<fieldset>
									<legend>{a.title}</legend>
									<label for={`title-${a.id}`} class="block">
										Title
									</label>
									<input id={`title-${a.id}`} name="title" value={a.title} required maxlength={160} />
									<label for={`body-${a.id}`} class="block">
										Text
									</label>
									<textarea id={`body-${a.id}`} name="body" required maxlength={2000}>
										{a.body}
									</textarea>
									<div class="actions">
										<button type="submit">Save</button>
										<button type="submit" name="delete" value="on" class="danger" data-confirm="Delete this reply?">
											Delete
										</button>
									</div>
								</fieldset>
							</form>
						</li>
					))}
				</ul>
			)}
			<form method="post" action="/support/canned">
				<Csrf token={props.csrf} />
				<fieldset>
					<legend>New canned reply</legend>
					<label for="new-title" class="block">
						Title
					</label>
					<input id="new-title" name="title" required maxlength={160} />
					<label for="new-topic" class="block">
						Topic
					</label>
					<select id="new-topic" name="topic">
						{ARTICLE_TOPICS.map((t) => (
							<option value={t} selected={t === "other"}>
								{t}
							</option>
						))}
					</select>
					<label for="new-body" class="block">
						Text
					</label>
					<textarea id="new-body" name="body" required maxlength={2000} />
					<button type="submit">Add</button>
				</fieldset>
			</form>
		</ConsoleLayout>
	);
}

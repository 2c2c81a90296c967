import type { ChatEntry } from "@bazaar/contracts/chat";
import type { OrderSummary } from "@bazaar/contracts/order";
import type { ConversationSummary, Ticket, TicketList, Transcript } from "@bazaar/contracts/support";
import { statusWords } from "../lib/orders";
import { Csrf, type FormMessage, Message } from "./account-pages";
import { ConsoleLayout } from "./console-layout";

// The support console's pages (/support): tickets to answer by mail, past conversations found by
// shopper email or order, one transcript with the shopper's recent orders beside it. Everything a
// shopper or agent wrote is text: JSX escapes it.

interface Frame {
	roles: readonly string[];
	csrf: string;
}

export function SupportHome(
	props: Frame & {
		tickets: TicketList["items"];
		search: { email: string; orderId: string };
		found: ConversationSummary[] | null;
		message?: FormMessage | undefined;
	},
) {
	return (
		<ConsoleLayout title="Support" roles={props.roles} csrf={props.csrf}>
			<h1>Support</h1>
			<p>
				<a href="/support/live">Live support</a> · <a href="/support/canned">Canned replies</a>
			</p>
			<Message message={props.message} />
			<section aria-labelledby="tickets-h">
				<h2 id="tickets-h">Open tickets</h2>
				{props.tickets.length === 0 ? (
					<p>No open tickets.</p>
				) : (
					<table>
						<thead>
							<tr>
								<th scope="col">Left</th>
								<th scope="col">From</th>
								<th scope="col">Subject</th>
							</tr>
						</thead>
						<tbody>
							{props.tickets.map((t) => (
								<tr data-ticket-id={t.id}>
									<td>
										<time datetime={t.createdAt}>{t.createdAt.slice(0, 16).replace("T", " ")}</time>
									</td>
									<td>{t.name ? `${t.name} <${t.email}>` : t.email}</td>
									<td>
										<a href={`/support/tickets/${t.id}`}>{t.subject}</a>
									</td>
								</tr>
							))}
						</tbody>
					</table>
				)}
			</section>
			<section aria-labelledby="search-h">
				<h2 id="search-h">Past conversations</h2>
				<form method="get" action="/support">
					<label for="email">Shopper's email</label>
					<input id="email" name="email" type="email" value={props.search.email} />
					<label for="orderId">Order number</label>
					<input id="orderId" name="orderId" value={props.search.orderId} placeholder="ord_…" />
					<button type="submit">Search</button>
				</form>
				{props.found === null ? null : props.found.length === 0 ? (
					<p>No conversation found.</p>
				) : (
					<ul class="found">
						{props.found.map((f) => (
							<li data-conversation-id={f.id}>
								<a href={`/support/conversations/${f.id}`}>
									<time datetime={f.closedAt}>{f.closedAt.slice(0, 16).replace("T", " ")}</time>
								</a>{" "}
								— {f.preview || "(no words from the shopper)"} ({f.messageCount} messages)
							</li>
						))}
					</ul>
				)}
			</section>
		</ConsoleLayout>
	);
}

export function TicketPage(
	props: Frame & { ticket: Ticket; message?: FormMessage | undefined; done?: string | undefined },
) {
	const t = props.ticket;
	return (
		<ConsoleLayout title={`Ticket: ${t.subject}`} roles={props.roles} csrf={props.csrf}>
			<p>
				<a href="/support">Back to support</a>
			</p>
			<h1>{t.subject}</h1>
			{props.done ? (
				<p class="notice" role="status">
					{props.done}
				</p>
			) : null}
			<Message message={props.message} />
			<p>
				From {t.name ? `${t.name} ` : ""}&lt;{t.email}&gt;, {t.createdAt.slice(0, 16).replace("T", " ")} — {t.status}
			</p>
			<blockquote class="ticket-message">{t.message}</blockquote>
			{t.replies.length > 0 ? (
				<section aria-labelledby="replies-h">
					<h2 id="replies-h">Answers sent</h2>
					<ol>
						{t.replies.map((r) => (
							<li>
								<p>{r.message}</p>
								<p class="muted">{r.at.slice(0, 16).replace("T", " ")}</p>
							</li>
						))}
					</ol>
				</section>
			) : null}
			<form method="post" action={`/support/tickets/${t.id}/answer`}>
				<Csrf token={props.csrf} />
				<label for="answer">Answer (sent by mail to {t.email})</label>
				<textarea id="answer" name="message" rows={6} required maxlength={10000} />
				<label>
					<input type="checkbox" name="keepOpen" value="on" /> Keep the ticket open
				</label>
				<button type="submit">Send the answer</button>
			</form>
		</ConsoleLayout>
	);
}

function Entry({ entry }: { entry: ChatEntry }) {
	if (entry.type === "system") {
		return (
			<li class="system">
				{entry.event.replace("_", " ")}
				{entry.agent ? ` (${entry.agent})` : ""}
			</li>
		);
	}
	return (
		<li class={entry.author.kind}>
			<strong>{entry.author.name || entry.author.kind}</strong>: {entry.text}
			{entry.cards?.length ? (
				<ul>
					{entry.cards.map((card) =>
						card.kind === "handover" ? (
							<li>offered a person</li>
						) : (
							<li>
								{card.kind}: {card.kind === "order" ? `${card.number} (${card.status})` : card.title}
							</li>
						),
					)}
				</ul>
			) : null}
		</li>
	);
}

export function TranscriptPage(props: Frame & { transcript: Transcript; orders: OrderSummary[] }) {
	const t = props.transcript;
	return (
		<ConsoleLayout title="Conversation" roles={props.roles} csrf={props.csrf}>
			<p>
				<a href="/support">Back to support</a>
			</p>
			<h1>Conversation of {t.closedAt.slice(0, 10)}</h1>
			<div class="support-split">
				<section aria-labelledby="transcript-h">
					<h2 id="transcript-h">Transcript</h2>
					<ol class="transcript">
						{t.messages.map((m) => (
							<Entry entry={m} />
						))}
					</ol>
				</section>
				<aside aria-labelledby="orders-h">
					<h2 id="orders-h">Recent orders</h2>
					<RecentOrderList orders={props.orders} guest={!t.customerId} />
				</aside>
			</div>
		</ConsoleLayout>
	);
}

/** The shopper's newest orders (also served alone to the live console, /support/live). */
export function RecentOrderList(props: { orders: OrderSummary[]; guest: boolean }) {
	if (props.orders.length === 0) return <p>{props.guest ? "A guest: no account." : "No orders."}</p>;
	return (
		<ul class="recent-orders">
			{props.orders.map((o) => (
				<li data-order-id={o.id}>
					<a href={`/admin/orders/${o.id}`}>{o.id}</a> — {statusWords(o.status)}, {o.itemCount} item
					{o.itemCount === 1 ? "" : "s"}, <time datetime={o.createdAt}>{o.createdAt.slice(0, 10)}</time>
				</li>
			))}
		</ul>
	);
}

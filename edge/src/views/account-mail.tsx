import type { MailMessage } from "@bazaar/contracts/identity";
import { Layout } from "./layout";
import { When } from "./order-status";

// The dev mailbox: what the core's outbox would have mailed, with its links clickable. Mail text
// is rendered as text (JSX escapes it); only http(s) URLs in it become links.

const URL_IN_TEXT = /https?:\/\/[^\s<>"']+/g;

function Linked({ text }: { text: string }) {
	const parts: (string | { url: string })[] = [];
	let last = 0;
	for (const m of text.matchAll(URL_IN_TEXT)) {
		parts.push(text.slice(last, m.index), { url: m[0] });
		last = m.index + m[0].length;
	}
	parts.push(text.slice(last));
	return (
		<>
			{parts.map((p) =>
				typeof p === "string" ? (
					p
				) : (
					<a href={p.url} class="mail-link">
						{p.url}
					</a>
				),
			)}
		</>
	);
}

export function linksIn(text: string): string[] {
	return [...text.matchAll(URL_IN_TEXT)].map((m) => m[0]);
}

export function MailListPage(props: { items: MailMessage[]; to?: string | undefined }) {
	return (
		<Layout title="Dev mailbox" supportWidget={false}>
			<h1>Dev mailbox</h1>
			<p>
				Mail the shop would send, kept in the core's dev outbox because no SMTP server is configured. With{" "}
				<code>SMTP_URL</code> set, this page does not exist.
			</p>
			<form action="/dev/mail" method="get">
				<label>
					To <input type="email" name="to" value={props.to ?? ""} maxlength={254} />
				</label>{" "}
				<button type="submit">Filter</button>
			</form>
			{props.items.length === 0 ? (
				<p>No mail{props.to ? " to that address" : ""} yet.</p>
			) : (
				<ul class="mails">
					{props.items.map((m) => (
						<li data-mail-id={m.id}>
							<a href={`/dev/mail/${m.id}`}>
								<strong>{m.subject}</strong>
							</a>{" "}
							to {m.to}, <When at={m.createdAt} />
							<ul>
								{linksIn(m.text).map((url) => (
									<li>
										<a href={url} class="mail-link">
											{url}
										</a>
									</li>
								))}
							</ul>
						</li>
					))}
				</ul>
			)}
		</Layout>
	);
}

export function MailPage({ mail }: { mail: MailMessage }) {
	return (
		<Layout title={mail.subject} supportWidget={false}>
			<h1>{mail.subject}</h1>
			<dl>
				<dt>To</dt>
				<dd>{mail.to}</dd>
				<dt>Written</dt>
				<dd>
					<When at={mail.createdAt} />
				</dd>
			</dl>
			<pre class="mail-text">
				<Linked text={mail.text} />
			</pre>
			<p>
				<a href="/dev/mail">All mail</a>
			</p>
		</Layout>
	);
}

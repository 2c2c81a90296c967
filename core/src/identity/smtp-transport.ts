import { createTransport } from "nodemailer";
import addressparser from "nodemailer/lib/addressparser";
import type { MailAttachment, MailTransport, OutgoingMail } from "./mail-transport";
import { parseSmtpUrl, type SmtpSettings } from "./smtp-url";

// Mail over SMTP through nodemailer: it speaks the protocol (EHLO/HELO, STARTTLS, AUTH, dot
// stuffing) and builds the MIME message, so we keep only the mapping from SMTP_URL to its options.
// Not pooled: each send opens a connection, delivers one message and quits. Mail here is a few
// messages a minute and the bus sends them one at a time, so a pool would only hold idle
// connections that servers drop, and every send would first find out which of them still lives.

export interface SmtpTransportOptions {
	/** The From when SMTP_URL has no `?from=` (MAIL_FROM). */
	from?: string;
	/** Connecting, the greeting and every later reply must each come within this (default 15 s). */
	timeoutMs?: number;
	/** The name this client gives in EHLO. */
	clientName?: string;
}

export class SmtpError extends Error {
	constructor(
		message: string,
		/** nodemailer's code: EAUTH, EENVELOPE, ETIMEDOUT, ETLS, ESOCKET, ECONNECTION, … */
		readonly code?: string,
	) {
		super(message);
		this.name = "SmtpError";
	}
}

export class SmtpTransport implements MailTransport {
	readonly kind = "smtp" as const;
	private readonly settings: SmtpSettings;
	private readonly transporter: ReturnType<typeof createTransport>;
	private readonly messageIdDomain: string;

	constructor(url: string, options: SmtpTransportOptions = {}) {
		const s = parseSmtpUrl(url, options.from);
		const timeoutMs = options.timeoutMs ?? 15_000;
		this.settings = s;
		this.transporter = createTransport({
			host: s.host,
			port: s.port,
			secure: s.implicitTls,
			requireTLS: !s.implicitTls && s.starttls === "required",
			ignoreTLS: !s.implicitTls && s.starttls === "never",
			tls: { rejectUnauthorized: s.verifyTls },
			auth: s.user !== null ? { user: s.user, pass: s.pass ?? "" } : undefined,
			name: options.clientName ?? "bazaar.local",
			connectionTimeout: timeoutMs,
			greetingTimeout: timeoutMs,
			socketTimeout: timeoutMs,
			dnsTimeout: timeoutMs,
			// No protocol log: it would hold the addresses, the reset tokens and the AUTH exchange.
			logger: false,
			debug: false,
		});
		const [first] = addressparser(s.from, { flatten: true });
		this.messageIdDomain = first?.address?.split("@")[1] || "bazaar.local";
	}

	async send(mail: OutgoingMail): Promise<void> {
		// nodemailer reads `to` as an address list: a line break or a comma in it could name other
		// recipients (`a@b\r\nBcc: c@d` is read as a group holding c@d). A message goes to one mailbox.
		const recipients = addressparser(mail.to);
		if (/[\r\n]/.test(mail.to) || recipients.length !== 1 || !recipients[0]?.address) {
			throw new SmtpError("A mail goes to exactly one address: its To held a list, a group or a line break");
		}
		try {
			await this.transporter.sendMail({
				from: this.settings.from,
				to: mail.to,
				subject: mail.subject,
				text: mail.text,
				html: mail.html ?? undefined,
				// A calendar invitation goes as nodemailer's icalEvent (the text/calendar alternative
				// calendars act on, with its METHOD); anything else as a plain attachment.
				...calendarParts(mail.attachments ?? []),
				// The outbox row's id: a retried delivery carries the same Message-ID, so a mailbox
				// that got the first attempt after all can tell the second is the same message.
				messageId: `<${mail.id}@${this.messageIdDomain}>`,
			});
		} catch (err) {
			throw this.describe(err);
		}
	}

	async close(): Promise<void> {
		this.transporter.close();
	}

	/** nodemailer's error with where it happened; the password never appears in it. */
	private describe(err: unknown): SmtpError {
		const e = err as { message?: string; code?: string; command?: string };
		const { host, port, user, pass } = this.settings;
		let message = `SMTP ${e.command ?? "delivery"} to ${host}:${port} failed${e.code ? ` (${e.code})` : ""}: ${e.message ?? String(err)}`;
		// nodemailer keeps credentials out of its errors, but a reply is quoted as the server wrote
		// it: a server that echoes what it was sent (as AUTH sends it) must not put it in our logs.
		if (pass) {
			const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
			for (const secret of [pass, b64(pass), b64(`\0${user ?? ""}\0${pass}`)])
				message = message.replaceAll(secret, "***");
		}
		return new SmtpError(message, e.code);
	}
}

function calendarParts(attachments: MailAttachment[]) {
	const calendar = attachments.find((a) => a.contentType.startsWith("text/calendar"));
	const method = calendar ? /^METHOD:(\w+)/m.exec(calendar.content)?.[1] : undefined;
	const rest = attachments.filter((a) => a !== calendar);
	return {
		...(calendar
			? { icalEvent: { filename: calendar.filename, method: method ?? "REQUEST", content: calendar.content } }
			: {}),
		...(rest.length
			? { attachments: rest.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })) }
			: {}),
	};
}

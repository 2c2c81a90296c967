import { SmtpTransport } from "./smtp-transport";

// Where mail goes. Every message is first a row of mail_outbox (written with its cause, so a
// crash cannot lose it); a transport then delivers it. The dev transport delivers into that
// same table, which is the mailbox `/dev/mail` shows; SMTP delivers to a real server.

/** A file sent with a message; `text/calendar` ones are sent as the message's calendar invitation. */
export interface MailAttachment {
	filename: string;
	contentType: string;
	content: string;
}

export interface OutgoingMail {
	id: string;
	to: string;
	subject: string;
	text: string;
	html: string | null;
	attachments?: MailAttachment[] | null;
	createdAt: string;
}

export interface MailTransport {
	readonly kind: "outbox" | "smtp";
	send(mail: OutgoingMail): Promise<void>;
	close?(): Promise<void>;
}

/** The dev mailbox: the outbox row is the delivered message; nothing leaves the machine. */
export const devOutboxTransport: MailTransport = {
	kind: "outbox",
	async send() {},
};

export function mailTransportFromEnv(options: { smtpUrl?: string | null; from?: string }): MailTransport {
	return options.smtpUrl ? new SmtpTransport(options.smtpUrl, { from: options.from }) : devOutboxTransport;
}

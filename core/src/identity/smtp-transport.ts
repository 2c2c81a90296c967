import { isIP, connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { MailTransport, OutgoingMail } from "./mail-transport";

// A small SMTP client (RFC 5321) over Bun's TCP: EHLO, STARTTLS when offered, AUTH PLAIN or
// LOGIN, one message per connection. Password-reset mail is a few messages a minute, so a
// pooled client (nodemailer and its dependency tree) would not earn its place.
//
// SMTP_URL: smtp://[user:pass@]host[:port][?from=...&starttls=auto|required|never&tls=verify|insecure]
//           smtps://... for TLS from the first byte (port 465).

export interface SmtpTransportOptions {
	from?: string;
	timeoutMs?: number;
	/** The name this client gives in EHLO. */
	clientName?: string;
}

interface SmtpConfig {
	host: string;
	port: number;
	implicitTls: boolean;
	starttls: "auto" | "required" | "never";
	verifyTls: boolean;
	user: string | null;
	pass: string | null;
	from: string;
}

export function parseSmtpUrl(url: string, fallbackFrom = "Bazaar <no-reply@bazaar.local>"): SmtpConfig {
	const u = new URL(url);
	if (u.protocol !== "smtp:" && u.protocol !== "smtps:")
		throw new Error("SMTP_URL must start with smtp:// or smtps://");
	const implicitTls = u.protocol === "smtps:";
	const starttls = u.searchParams.get("starttls") ?? "auto";
	if (starttls !== "auto" && starttls !== "required" && starttls !== "never") {
		throw new Error("SMTP_URL starttls must be auto, required or never");
	}
	return {
		host: u.hostname.replace(/^\[|\]$/g, ""),
		port: u.port ? Number(u.port) : implicitTls ? 465 : 25,
		implicitTls,
		starttls,
		verifyTls: u.searchParams.get("tls") !== "insecure",
		user: u.username ? decodeURIComponent(u.username) : null,
		pass: u.password ? decodeURIComponent(u.password) : null,
		from: u.searchParams.get("from") ?? fallbackFrom,
	};
}

export class SmtpError extends Error {
	constructor(
		message: string,
		readonly code?: number,
	) {
		super(message);
		this.name = "SmtpError";
	}
}

interface Reply {
	code: number;
	lines: string[];
}

/** Reads CRLF lines off a socket and groups them into (possibly multi-line) replies. */
class ReplyReader {
	private buffered = "";
	private current: string[] = [];
	private readonly replies: Reply[] = [];
	private waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void } | null = null;
	private failure: Error | null = null;

	push(chunk: string) {
		this.buffered += chunk;
		if (this.buffered.length > 64 * 1024) return this.fail(new SmtpError("SMTP server sent an overlong reply"));
		for (let at = this.buffered.indexOf("\n"); at !== -1; at = this.buffered.indexOf("\n")) {
			const line = this.buffered.slice(0, at).replace(/\r$/, "");
			this.buffered = this.buffered.slice(at + 1);
			const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
			if (!m) return this.fail(new SmtpError(`SMTP server sent a malformed line: ${line.slice(0, 80)}`));
			this.current.push(m[3] ?? "");
			if (m[2] !== "-") {
				this.deliver({ code: Number(m[1]), lines: this.current });
				this.current = [];
			}
		}
	}

	fail(err: Error) {
		this.failure ??= err;
		this.waiting?.reject(this.failure);
		this.waiting = null;
	}

	next(): Promise<Reply> {
		const ready = this.replies.shift();
		if (ready) return Promise.resolve(ready);
		if (this.failure) return Promise.reject(this.failure);
		return new Promise((resolve, reject) => {
			this.waiting = { resolve, reject };
		});
	}

	private deliver(reply: Reply) {
		if (this.waiting) {
			this.waiting.resolve(reply);
			this.waiting = null;
		} else this.replies.push(reply);
	}
}

class SmtpSession {
	private readonly reader = new ReplyReader();
	private socket: Socket;

	constructor(
		socket: Socket,
		private readonly timeoutMs: number,
	) {
		this.socket = socket;
		this.attach(socket);
	}

	private attach(socket: Socket) {
		// Bytes, not setEncoding: a socket with an encoding cannot be handed to TLS for STARTTLS.
		const decoder = new TextDecoder();
		socket.setTimeout(this.timeoutMs);
		socket.on("data", (chunk: Buffer) => this.reader.push(decoder.decode(chunk, { stream: true })));
		socket.on("timeout", () => {
			this.reader.fail(new SmtpError("SMTP server timed out"));
			socket.destroy();
		});
		socket.on("error", (err) => this.reader.fail(new SmtpError(`SMTP connection failed: ${err.message}`)));
		socket.on("close", () => this.reader.fail(new SmtpError("SMTP server closed the connection")));
	}

	async expect(codes: number[], what: string): Promise<Reply> {
		const reply = await this.reader.next();
		if (!codes.includes(reply.code)) {
			throw new SmtpError(`SMTP ${what} was refused: ${reply.code} ${reply.lines.join(" ").slice(0, 200)}`, reply.code);
		}
		return reply;
	}

	async command(line: string, codes: number[], what = line.split(" ")[0] ?? line): Promise<Reply> {
		this.socket.write(`${line}\r\n`);
		return this.expect(codes, what);
	}

	write(data: string) {
		this.socket.write(data);
	}

	/** STARTTLS: the same TCP connection continues inside TLS; replies before it are discarded. */
	async upgrade(host: string, verify: boolean): Promise<void> {
		const plain = this.socket;
		plain.removeAllListeners("data");
		plain.removeAllListeners("timeout");
		plain.removeAllListeners("close");
		plain.removeAllListeners("error");
		const secure = tlsConnect({ socket: plain, servername: sniName(host), rejectUnauthorized: verify });
		await new Promise<void>((resolve, reject) => {
			secure.once("secureConnect", resolve);
			secure.once("error", reject);
		});
		this.socket = secure;
		this.attach(secure);
	}

	close() {
		this.socket.end();
		this.socket.destroy();
	}
}

/** SNI carries host names only (RFC 6066); a server given by IP is verified against its IP. */
function sniName(host: string): string | undefined {
	return isIP(host) ? undefined : host;
}

function connectSocket(config: SmtpConfig, timeoutMs: number): Promise<Socket> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			socket.destroy();
			reject(new SmtpError(`SMTP connect to ${config.host}:${config.port} timed out`));
		}, timeoutMs);
		const done = () => {
			clearTimeout(timer);
			resolve(socket);
		};
		const socket: Socket = config.implicitTls
			? tlsConnect(
					{
						host: config.host,
						port: config.port,
						servername: sniName(config.host),
						rejectUnauthorized: config.verifyTls,
					},
					done,
				)
			: netConnect({ host: config.host, port: config.port }, done);
		socket.once("error", (err) => {
			clearTimeout(timer);
			reject(new SmtpError(`SMTP connect to ${config.host}:${config.port} failed: ${err.message}`));
		});
	});
}

const HEADER_SAFE = /^[^\r\n]*$/;

function addressOf(mailbox: string): string {
	const m = /<([^<>\s]+)>\s*$/.exec(mailbox);
	return (m?.[1] ?? mailbox).trim();
}

function encodeHeader(value: string): string {
	return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, "utf8").toString("base64")}?=`;
}

function base64Lines(text: string): string {
	const b64 = Buffer.from(text.replace(/\r?\n/g, "\r\n"), "utf8").toString("base64");
	return (b64.match(/.{1,76}/g) ?? []).join("\r\n");
}

/** The RFC 5322 message, CRLF line endings, bodies base64 (safe over any 7-bit server). */
export function buildMessage(mail: OutgoingMail, from: string, now = new Date()): string {
	for (const v of [from, mail.to, mail.subject]) {
		if (!HEADER_SAFE.test(v)) throw new SmtpError("A mail header contains a line break");
	}
	const domain = addressOf(from).split("@")[1] ?? "bazaar.local";
	const headers = [
		`From: ${from}`,
		`To: ${mail.to}`,
		`Subject: ${encodeHeader(mail.subject)}`,
		`Date: ${now.toUTCString().replace("GMT", "+0000")}`,
		`Message-ID: <${mail.id}@${domain}>`,
		"MIME-Version: 1.0",
	];
	const part = (type: string, body: string) =>
		[`Content-Type: ${type}; charset=utf-8`, "Content-Transfer-Encoding: base64", "", base64Lines(body)].join("\r\n");
	if (!mail.html) return `${headers.join("\r\n")}\r\n${part("text/plain", mail.text)}\r\n`;
	const boundary = `=_bazaar_${mail.id.replace(/[^A-Za-z0-9]/g, "")}`;
	return [
		...headers,
		`Content-Type: multipart/alternative; boundary="${boundary}"`,
		"",
		`--${boundary}`,
		part("text/plain", mail.text),
		`--${boundary}`,
		part("text/html", mail.html),
		`--${boundary}--`,
		"",
	].join("\r\n");
}

/** DATA transparency (RFC 5321 §4.5.2): a line starting with "." gets another one. */
function dotStuff(message: string): string {
	return message.replace(/(^|\r\n)\./g, "$1..");
}

export class SmtpTransport implements MailTransport {
	readonly kind = "smtp" as const;
	private readonly config: SmtpConfig;
	private readonly timeoutMs: number;
	private readonly clientName: string;

	constructor(url: string, options: SmtpTransportOptions = {}) {
		this.config = parseSmtpUrl(url, options.from);
		this.timeoutMs = options.timeoutMs ?? 15_000;
		this.clientName = options.clientName ?? "bazaar.local";
	}

	async send(mail: OutgoingMail): Promise<void> {
		const c = this.config;
		const message = buildMessage(mail, c.from);
		const session = new SmtpSession(await connectSocket(c, this.timeoutMs), this.timeoutMs);
		try {
			await session.expect([220], "greeting");
			let ext = await this.hello(session);
			let secure = c.implicitTls;
			if (!secure && c.starttls !== "never" && ext.has("STARTTLS")) {
				await session.command("STARTTLS", [220]);
				await session.upgrade(c.host, c.verifyTls);
				secure = true;
				ext = await this.hello(session);
			}
			if (!secure && c.starttls === "required") throw new SmtpError("The SMTP server does not offer STARTTLS");
			if (c.user !== null) await this.authenticate(session, ext, c.user, c.pass ?? "");
			await session.command(`MAIL FROM:<${addressOf(c.from)}>`, [250], "MAIL FROM");
			await session.command(`RCPT TO:<${addressOf(mail.to)}>`, [250, 251], "RCPT TO");
			await session.command("DATA", [354]);
			session.write(`${dotStuff(message)}\r\n.\r\n`);
			await session.expect([250], "message");
			try {
				await session.command("QUIT", [221]);
			} catch {
				// The message is accepted; how the server says goodbye does not matter.
			}
		} finally {
			session.close();
		}
	}

	/** EHLO (HELO for an old server); returns the extensions it offers, upper-cased. */
	private async hello(session: SmtpSession): Promise<Map<string, string>> {
		try {
			const reply = await session.command(`EHLO ${this.clientName}`, [250]);
			const ext = new Map<string, string>();
			for (const line of reply.lines.slice(1)) {
				const [name = "", ...rest] = line.trim().split(/\s+/);
				ext.set(name.toUpperCase(), rest.join(" ").toUpperCase());
			}
			return ext;
		} catch (err) {
			if (!(err instanceof SmtpError) || !err.code || err.code < 500) throw err;
			await session.command(`HELO ${this.clientName}`, [250]);
			return new Map();
		}
	}

	private async authenticate(session: SmtpSession, ext: Map<string, string>, user: string, pass: string) {
		const methods = (ext.get("AUTH") ?? "").split(" ");
		const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
		if (methods.includes("PLAIN")) {
			await session.command(`AUTH PLAIN ${b64(`\0${user}\0${pass}`)}`, [235], "AUTH PLAIN");
		} else if (methods.includes("LOGIN")) {
			await session.command("AUTH LOGIN", [334]);
			await session.command(b64(user), [334], "AUTH LOGIN user");
			await session.command(b64(pass), [235], "AUTH LOGIN password");
		} else {
			throw new SmtpError("The SMTP server offers no AUTH method this client speaks (PLAIN, LOGIN)");
		}
	}
}

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { createServer as createTlsServer, TLSSocket } from "node:tls";
import { and, eq } from "drizzle-orm";
import { json, tempDir } from "../testing/harness";
import type { OutgoingMail } from "./mail-transport";
import { mailOutbox } from "./schema";
import { SmtpTransport } from "./smtp-transport";
import { parseSmtpUrl } from "./smtp-url";
import { type IdentityHarness, identityHarness } from "./test-harness";

// A tiny SMTP server (RFC 5321 subset) run by the test: it speaks the protocol line by line,
// records each session's commands (and which went over TLS) and the DATA it received, checks
// credentials, can refuse a recipient, and can offer STARTTLS or speak TLS from the first byte.

interface Received {
	commands: string[];
	/** The commands sent after the connection was encrypted. */
	encrypted: string[];
	data: string;
	auth: string | null;
}

interface TinyOptions {
	tls?: { key: Buffer; cert: Buffer; mode: "starttls" | "implicit" };
}

class TinySmtpServer {
	/** Every session, finished or not. */
	readonly sessions: Received[] = [];
	/** The sessions whose DATA was accepted. */
	readonly messages: Received[] = [];
	refuseRecipient = false;
	private server: Server | null = null;
	port = 0;

	constructor(private readonly options: TinyOptions = {}) {}

	async start(): Promise<void> {
		const tls = this.options.tls;
		this.server =
			tls?.mode === "implicit"
				? createTlsServer({ key: tls.key, cert: tls.cert }, (socket) => this.session(socket, true))
				: createServer((socket) => this.session(socket, false));
		await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
		const address = this.server.address();
		this.port = typeof address === "object" && address ? address.port : 0;
	}

	private session(raw: Socket, secureFromStart: boolean) {
		const session: Received = { commands: [], encrypted: [], data: "", auth: null };
		this.sessions.push(session);
		let socket = raw;
		let secure = secureFromStart;
		let buffer = "";
		let inData = false;
		let authLogin: string[] | null = null;
		const reply = (line: string) => socket.write(`${line}\r\n`);
		const login = (method: string, user = "", pass = "") => {
			session.auth = `${method} ${user}:${pass}`;
			if (this.options.tls && !secure) reply("538 5.7.11 encryption required");
			else reply(user === "mailer" && pass === "s3cret" ? "235 2.7.0 ok" : "535 5.7.8 bad credentials");
		};
		const onData = (chunk: Buffer) => {
			buffer += chunk.toString("utf8");
			for (let at = buffer.indexOf("\r\n"); at !== -1; at = buffer.indexOf("\r\n")) {
				const line = buffer.slice(0, at);
				buffer = buffer.slice(at + 2);
				if (inData) {
					if (line === ".") {
						inData = false;
						this.messages.push(session);
						reply("250 2.0.0 queued");
					} else session.data += `${line.startsWith(".") ? line.slice(1) : line}\r\n`;
					continue;
				}
				if (authLogin) {
					authLogin.push(Buffer.from(line, "base64").toString("utf8"));
					if (authLogin.length === 1) reply("334 UGFzc3dvcmQ6");
					else {
						login("LOGIN", authLogin[0], authLogin[1]);
						authLogin = null;
					}
					continue;
				}
				session.commands.push(line);
				if (secure) session.encrypted.push(line);
				const verb = line.split(" ")[0]?.toUpperCase();
				if (verb === "EHLO") {
					const starttls = this.options.tls?.mode === "starttls" && !secure;
					socket.write(
						`250-tiny.test\r\n250-8BITMIME\r\n${starttls ? "250-STARTTLS\r\n" : ""}250 AUTH PLAIN LOGIN\r\n`,
					);
				} else if (verb === "STARTTLS" && this.options.tls?.mode === "starttls" && !secure) {
					reply("220 2.0.0 go ahead");
					raw.removeListener("data", onData);
					socket = new TLSSocket(raw, { isServer: true, key: this.options.tls.key, cert: this.options.tls.cert });
					socket.on("error", () => {});
					socket.on("data", onData);
					secure = true;
				} else if (verb === "AUTH" && line.startsWith("AUTH PLAIN ")) {
					const [, user, pass] = Buffer.from(line.slice(11), "base64").toString("utf8").split("\0");
					login("PLAIN", user, pass);
				} else if (verb === "AUTH" && line === "AUTH LOGIN") {
					authLogin = [];
					reply("334 VXNlcm5hbWU6");
				} else if (verb === "MAIL") reply("250 2.1.0 ok");
				else if (verb === "RCPT") reply(this.refuseRecipient ? "550 5.1.1 no such user" : "250 2.1.5 ok");
				else if (verb === "DATA") {
					inData = true;
					reply("354 end with <CRLF>.<CRLF>");
				} else if (verb === "QUIT") {
					reply("221 2.0.0 bye");
					socket.end();
				} else if (verb === "RSET" || verb === "NOOP") reply("250 ok");
				else reply("502 5.5.2 not implemented");
			}
		};
		raw.on("data", onData);
		raw.on("error", () => {});
		reply("220 tiny.test ESMTP ready");
	}

	async stop() {
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}
}

// Reading what arrived: headers unfolded, RFC 2047 words decoded, each part's body decoded by its
// Content-Transfer-Encoding. Just enough MIME for the messages nodemailer builds here.

interface ReceivedMessage {
	headers: Map<string, string>;
	text: string | null;
	html: string | null;
}

function hexBytes(text: string): Buffer {
	const bytes: number[] = [];
	for (let i = 0; i < text.length; i++) {
		const hex = text[i] === "=" ? /^[0-9A-F]{2}/i.exec(text.slice(i + 1))?.[0] : undefined;
		if (hex) {
			bytes.push(Number.parseInt(hex, 16));
			i += 2;
		} else bytes.push(...Buffer.from(text[i] as string, "utf8"));
	}
	return Buffer.from(bytes);
}

function decodeWords(value: string): string {
	return value
		.replace(/(\?=)\s+(?==\?)/g, "$1")
		.replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, encoding: string, text: string) =>
			(encoding.toUpperCase() === "B" ? Buffer.from(text, "base64") : hexBytes(text.replace(/_/g, " "))).toString(
				"utf8",
			),
		);
}

function splitEntity(raw: string): { headers: Map<string, string>; body: string } {
	const end = raw.indexOf("\r\n\r\n");
	const headers = new Map<string, string>();
	for (const line of raw
		.slice(0, end)
		.replace(/\r\n[ \t]+/g, " ")
		.split("\r\n")) {
		const colon = line.indexOf(":");
		headers.set(line.slice(0, colon).toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
	}
	return { headers, body: raw.slice(end + 4) };
}

function decodeBody(headers: Map<string, string>, body: string): string {
	const encoding = (headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
	if (encoding === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
	if (encoding === "quoted-printable") return hexBytes(body.replace(/=\r\n/g, "")).toString("utf8");
	return body;
}

function parseMessage(raw: string): ReceivedMessage {
	const { headers, body } = splitEntity(raw);
	const parts: { headers: Map<string, string>; body: string }[] = [];
	const boundary = /boundary="?([^";]+)"?/.exec(headers.get("content-type") ?? "")?.[1];
	if (boundary) {
		const segments = body.split(`--${boundary}`).slice(1, -1);
		for (const segment of segments) parts.push(splitEntity(segment.replace(/^\r\n/, "").replace(/\r\n$/, "")));
	} else parts.push({ headers, body });
	const bodyOf = (type: string) => {
		const part = parts.find((p) => (p.headers.get("content-type") ?? "").startsWith(type));
		return part ? decodeBody(part.headers, part.body).replace(/\r\n/g, "\n").replace(/\n$/, "") : null;
	};
	return { headers, text: bodyOf("text/plain"), html: bodyOf("text/html") };
}

const server = new TinySmtpServer();
beforeAll(() => server.start());
afterAll(() => server.stop());

const sample = (over: Partial<OutgoingMail> = {}): OutgoingMail => ({
	id: "mail_01ARZ3NDEKTSV4RRFFQ69G5FAV",
	to: "Shopper <shopper@example.test>",
	subject: "Grüße from Bazaar",
	text: "Line one\n.a line starting with a dot\nLast line — ünïcode",
	html: "<p>Hello</p>",
	createdAt: new Date().toISOString(),
	...over,
});

/** Resolves with the rejection's message (the test fails if the promise resolves). */
async function failure(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
	} catch (err) {
		return (err as Error).message;
	}
	throw new Error("the send succeeded");
}

describe("SMTP_URL", () => {
	test("smtp:// defaults to port 25 and STARTTLS when offered; smtps:// to 465; ?from= and the credentials", () => {
		expect(parseSmtpUrl("smtp://mail.example.test", "Shop <a@shop.test>")).toEqual({
			host: "mail.example.test",
			port: 25,
			implicitTls: false,
			starttls: "auto",
			verifyTls: true,
			user: null,
			pass: null,
			from: "Shop <a@shop.test>",
		});
		const s = parseSmtpUrl(
			`smtps://me%40shop.test:p%40ss%3Aword@[::1]?from=${encodeURIComponent("Shop <b@shop.test>")}&tls=insecure`,
		);
		expect(s).toMatchObject({
			host: "::1",
			port: 465,
			implicitTls: true,
			verifyTls: false,
			from: "Shop <b@shop.test>",
		});
		expect([s.user, s.pass]).toEqual(["me@shop.test", "p@ss:word"]);
		expect(parseSmtpUrl("smtp://h:2525?starttls=never").port).toBe(2525);
	});

	test("a bad value is refused without repeating the URL or its password", () => {
		for (const [url, why] of [
			["http://u:hunter22@h", /smtp:\/\/ or smtps:\/\//],
			["smtp://u:hunter22@h?starttls=yes", /starttls must be auto, required or never/],
			["smtp://u:hunter22@h?tls=off", /tls must be verify or insecure/],
			["smtp://u:hunter22@h:99999", /not a URL/],
		] as const) {
			let message = "";
			try {
				parseSmtpUrl(url);
			} catch (err) {
				message = (err as Error).message;
			}
			expect(message).toMatch(why);
			expect(message).not.toContain("hunter22");
		}
	});
});

describe("SMTP transport against a local SMTP server", () => {
	test("delivers with AUTH: the envelope, then the message as received (headers, both parts, dots)", async () => {
		const transport = new SmtpTransport(
			`smtp://mailer:s3cret@127.0.0.1:${server.port}?from=${encodeURIComponent("Bazaar <shop@bazaar.test>")}`,
		);
		const before = server.messages.length;
		await transport.send(sample());
		const got = server.messages[before] as Received;
		expect(got.commands[0]).toBe("EHLO bazaar.local");
		expect(got.commands[1]).toMatch(/^AUTH PLAIN /);
		expect(got.commands.slice(2, 5)).toEqual([
			expect.stringMatching(/^MAIL FROM:<shop@bazaar\.test>/),
			"RCPT TO:<shopper@example.test>",
			"DATA",
		]);
		expect(got.auth).toBe("PLAIN mailer:s3cret");
		const message = parseMessage(got.data);
		expect(message.headers.get("from")).toBe("Bazaar <shop@bazaar.test>");
		expect(message.headers.get("to")).toBe("Shopper <shopper@example.test>");
		expect(message.headers.get("subject")).toBe("Grüße from Bazaar");
		// The outbox row's id: a retried delivery is recognisably the same message.
		expect(message.headers.get("message-id")).toBe("<mail_01ARZ3NDEKTSV4RRFFQ69G5FAV@bazaar.test>");
		expect(message.headers.get("mime-version")).toBe("1.0");
		expect(Number.isNaN(Date.parse(message.headers.get("date") ?? ""))).toBe(false);
		expect(message.headers.get("content-type")).toStartWith("multipart/alternative");
		expect(message.text).toBe("Line one\n.a line starting with a dot\nLast line — ünïcode");
		expect(message.html).toBe("<p>Hello</p>");
		// Nothing beyond 7-bit crossed the wire: any server takes it.
		expect(got.data).not.toMatch(/[^\t\r\n -~]/);

		await transport.send(sample({ html: null }));
		const plain = parseMessage((server.messages.at(-1) as Received).data);
		expect(plain.headers.get("content-type")).toStartWith("text/plain");
		expect(plain.text).toBe("Line one\n.a line starting with a dot\nLast line — ünïcode");
		expect(plain.html).toBeNull();
	});

	test("a line break in a header adds no header and no recipient (no header injection)", async () => {
		const transport = new SmtpTransport(`smtp://127.0.0.1:${server.port}`);
		const before = server.messages.length;
		await transport.send(sample({ subject: "hi\r\nBcc: victim@example.test" }));
		const got = server.messages[before] as Received;
		expect(got.commands.filter((c) => c.startsWith("RCPT"))).toEqual(["RCPT TO:<shopper@example.test>"]);
		const message = parseMessage(got.data);
		expect(message.headers.has("bcc")).toBe(false);
		expect(message.headers.get("subject")).toBe("hi Bcc: victim@example.test");
		// In To, a line break or a list would name recipients: refused before connecting.
		const sessions = server.sessions.length;
		for (const to of [
			"shopper@example.test\r\nBcc: victim@example.test",
			"shopper@example.test, victim@example.test",
		]) {
			expect(await failure(transport.send(sample({ to })))).toContain("exactly one address");
		}
		expect(server.sessions.length).toBe(sessions);
	});

	test("a refused recipient is an error naming the SMTP reply", async () => {
		server.refuseRecipient = true;
		try {
			const message = await failure(new SmtpTransport(`smtp://127.0.0.1:${server.port}`).send(sample()));
			expect(message).toContain("550 5.1.1 no such user");
			expect(message).toContain("RCPT TO");
		} finally {
			server.refuseRecipient = false;
		}
	});

	test("a wrong password is refused, and the error never holds it", async () => {
		const before = server.messages.length;
		const message = await failure(
			new SmtpTransport(`smtp://mailer:wr0ng-pa55@127.0.0.1:${server.port}`).send(sample()),
		);
		expect(message).toMatch(/AUTH PLAIN .*EAUTH.*535 5\.7\.8 bad credentials/);
		expect(message).not.toContain("wr0ng-pa55");
		expect(message).not.toContain(Buffer.from("\0mailer\0wr0ng-pa55").toString("base64"));
		expect(server.messages.length).toBe(before);
	});

	test("an unreachable or silent server is an error, not a hang", async () => {
		expect(await failure(new SmtpTransport("smtp://127.0.0.1:1", { timeoutMs: 2_000 }).send(sample()))).toMatch(
			/ECONNREFUSED/,
		);
		// Accepts the connection and never speaks, as a black-holed or overloaded host looks.
		const silent = createServer(() => {});
		await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
		const address = silent.address();
		const port = typeof address === "object" && address ? address.port : 0;
		try {
			const message = await failure(new SmtpTransport(`smtp://127.0.0.1:${port}`, { timeoutMs: 300 }).send(sample()));
			expect(message).toMatch(/ETIMEDOUT/);
		} finally {
			silent.close();
		}
	});

	test("starttls=required refuses a server without STARTTLS before any credential or address is sent", async () => {
		const before = server.sessions.length;
		const message = await failure(
			new SmtpTransport(`smtp://mailer:s3cret@127.0.0.1:${server.port}?starttls=required`).send(sample()),
		);
		expect(message).toMatch(/STARTTLS/);
		const session = server.sessions[before] as Received;
		expect(session.commands.some((c) => /^(AUTH|MAIL|RCPT)/.test(c))).toBe(false);
		expect(session.auth).toBeNull();
	});
});

describe("TLS", () => {
	let key: Buffer;
	let cert: Buffer;
	let haveOpenssl = false;
	beforeAll(() => {
		haveOpenssl = Bun.which("openssl") !== null;
		if (!haveOpenssl) return;
		const dir = tempDir("bazaar-smtp-tls-");
		const made = Bun.spawnSync(
			["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"].concat([
				"-keyout",
				join(dir, "key.pem"),
				"-out",
				join(dir, "cert.pem"),
			]),
			{ stderr: "ignore" },
		);
		expect(made.exitCode).toBe(0);
		key = readFileSync(join(dir, "key.pem"));
		cert = readFileSync(join(dir, "cert.pem"));
	});
	const withServer = async (mode: "starttls" | "implicit", run: (s: TinySmtpServer) => Promise<void>) => {
		if (!haveOpenssl) {
			console.warn("skipping a TLS test: openssl not found to make a test certificate");
			return;
		}
		const s = new TinySmtpServer({ tls: { key, cert, mode } });
		await s.start();
		try {
			await run(s);
		} finally {
			await s.stop();
		}
	};

	test("STARTTLS: upgrades when offered, then authenticates and sends inside TLS", () =>
		withServer("starttls", async (s) => {
			// A self-signed test certificate: `tls=insecure` skips verification (never in production).
			await new SmtpTransport(`smtp://mailer:s3cret@127.0.0.1:${s.port}?starttls=required&tls=insecure`).send(
				sample({ html: null }),
			);
			const got = s.messages[0] as Received;
			expect(got.commands.slice(0, 3)).toEqual(["EHLO bazaar.local", "STARTTLS", "EHLO bazaar.local"]);
			// QUIT may or may not have arrived yet: the message was accepted at the end of DATA.
			expect(got.encrypted.slice(0, 5).map((c) => c.split(" ")[0])).toEqual(["EHLO", "AUTH", "MAIL", "RCPT", "DATA"]);
			expect(got.auth).toBe("PLAIN mailer:s3cret");
			expect(parseMessage(got.data).text).toBe("Line one\n.a line starting with a dot\nLast line — ünïcode");
			// Verification is on by default: the self-signed certificate is refused, nothing is sent.
			expect(await failure(new SmtpTransport(`smtp://mailer:s3cret@127.0.0.1:${s.port}`).send(sample()))).toMatch(
				/certificate/i,
			);
			// starttls=never stays in plain text even though the server offers the upgrade.
			await failure(new SmtpTransport(`smtp://mailer:s3cret@127.0.0.1:${s.port}?starttls=never`).send(sample()));
			const plain = s.sessions.at(-1) as Received;
			expect(plain.commands).not.toContain("STARTTLS");
			expect(s.messages.length).toBe(1);
		}));

	test("smtps://: TLS from the first byte", () =>
		withServer("implicit", async (s) => {
			await new SmtpTransport(`smtps://mailer:s3cret@127.0.0.1:${s.port}?tls=insecure`).send(sample());
			const got = s.messages[0] as Received;
			expect(got.encrypted[0]).toBe("EHLO bazaar.local");
			expect(got.commands).not.toContain("STARTTLS");
			expect(parseMessage(got.data).html).toBe("<p>Hello</p>");
		}));
});

describe("the identity module with SMTP_URL set", () => {
	let h: IdentityHarness;
	beforeAll(async () => {
		h = await identityHarness({ smtpUrl: `smtp://mailer:s3cret@127.0.0.1:${server.port}` });
	});
	afterAll(() => h?.close());
	const resetMails = (to: string) =>
		h.mod.identity.database.db
			.select()
			.from(mailOutbox)
			.where(and(eq(mailOutbox.to, to), eq(mailOutbox.subject, "Reset your Bazaar password")));

	test("the reset link goes out over SMTP; the dev mailbox route is off", async () => {
		const u = await h.signUp();
		// The sign-up's confirmation went out first.
		await h.mailSent();
		const before = server.messages.length;
		expect((await h.call("POST", "/identity/password-reset", { body: { email: u.email } })).status).toBe(202);
		await h.mailSent();
		const deadline = Date.now() + 3_000;
		while (server.messages.length === before && Date.now() < deadline) await Bun.sleep(10);
		const got = server.messages[before] as Received;
		expect(got.commands).toContain(`RCPT TO:<${u.email}>`);
		const token = /\/account\/reset\?token=([A-Za-z0-9_-]+)/.exec(parseMessage(got.data).text ?? "")?.[1] as string;
		expect(token).toBeTruthy();
		const [row] = await resetMails(u.email);
		expect(row?.sentAt).not.toBeNull();

		expect((await h.call("GET", "/identity/dev/mail")).status).toBe(404);
		const done = await h.call("POST", "/identity/password-reset/confirm", {
			body: { token, newPassword: "reset over smtp" },
		});
		expect(done.status).toBe(200);
		expect((await json<{ email: string }>(done)).email).toBe(u.email);
	});

	test("a failed delivery is kept and retried by the bus until it goes through", async () => {
		const u = await h.signUp();
		await h.mailSent();
		server.refuseRecipient = true;
		await h.mod.requestPasswordReset({ email: u.email });
		const until = async (check: () => Promise<boolean>) => {
			const deadline = Date.now() + 10_000;
			while (!(await check()) && Date.now() < deadline) await Bun.sleep(20);
		};
		await until(async () => ((await resetMails(u.email))[0]?.attempts ?? 0) >= 1);
		const [failed] = await resetMails(u.email);
		expect(failed?.sentAt).toBeNull();
		expect(failed?.attempts).toBeGreaterThanOrEqual(1);
		expect(failed?.lastError).toContain("550");
		server.refuseRecipient = false;
		// The bus tries again after its backoff; nobody has to push it.
		await until(async () => ((await resetMails(u.email))[0]?.sentAt ?? null) !== null);
		const [sent] = await resetMails(u.email);
		expect(sent?.sentAt).not.toBeNull();
	});
});

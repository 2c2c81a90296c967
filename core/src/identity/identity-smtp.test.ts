import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { TLSSocket } from "node:tls";
import { and, eq } from "drizzle-orm";
import { json, tempDir } from "../testing/harness";
import type { OutgoingMail } from "./mail-transport";
import { mailOutbox } from "./schema";
import { buildMessage, SmtpTransport } from "./smtp-transport";
import { type IdentityHarness, identityHarness } from "./test-harness";

// A tiny SMTP server (RFC 5321 subset) run by the test: it speaks the protocol line by line,
// records each session's commands and the DATA it received, and can refuse a recipient.

interface Received {
	commands: string[];
	data: string;
	auth: string | null;
}

class TinySmtpServer {
	readonly messages: Received[] = [];
	refuseRecipient = false;
	private server: Server | null = null;
	port = 0;

	async start(): Promise<void> {
		this.server = createServer((socket) => this.session(socket));
		await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
		const address = this.server.address();
		this.port = typeof address === "object" && address ? address.port : 0;
	}

	private session(socket: Socket) {
		const session: Received = { commands: [], data: "", auth: null };
		let buffer = "";
		let inData = false;
		let authLogin: string[] | null = null;
		const reply = (line: string) => socket.write(`${line}\r\n`);
		reply("220 tiny.test ESMTP ready");
		socket.on("data", (chunk) => {
			buffer += chunk.toString("utf8");
			for (let at = buffer.indexOf("\r\n"); at !== -1; at = buffer.indexOf("\r\n")) {
				const line = buffer.slice(0, at);
				buffer = buffer.slice(at + 2);
				if (inData) {
					if (line === ".") {
						inData = false;
						this.messages.push(session);
						reply("250 2.0.0 queued");
					} else session.data += `${line.startsWith("..") ? line.slice(1) : line}\r\n`;
					continue;
				}
				if (authLogin) {
					authLogin.push(Buffer.from(line, "base64").toString("utf8"));
					if (authLogin.length === 1) reply("334 UGFzc3dvcmQ6");
					else {
						session.auth = `LOGIN ${authLogin.join(":")}`;
						authLogin = null;
						reply("235 2.7.0 ok");
					}
					continue;
				}
				session.commands.push(line);
				const verb = line.split(" ")[0]?.toUpperCase();
				if (verb === "EHLO") socket.write("250-tiny.test\r\n250-8BITMIME\r\n250 AUTH LOGIN PLAIN\r\n");
				else if (verb === "AUTH" && line.startsWith("AUTH PLAIN ")) {
					const [, user, pass] = Buffer.from(line.slice(11), "base64").toString("utf8").split("\0");
					session.auth = `PLAIN ${user}:${pass}`;
					reply(user === "mailer" && pass === "s3cret" ? "235 2.7.0 ok" : "535 5.7.8 bad credentials");
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
		});
		socket.on("error", () => {});
	}

	async stop() {
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}
}

/** The decoded text/plain part of a received message. */
function textPart(raw: string): string {
	const part = raw.split(/Content-Type: text\/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n/)[1];
	const b64 = (part ?? "").split(/\r\n(?:--|\r\n|$)/)[0] ?? "";
	return Buffer.from(b64.replace(/\r\n/g, ""), "base64").toString("utf8");
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

describe("SMTP transport against a local SMTP server", () => {
	test("EHLO, AUTH PLAIN, MAIL FROM, RCPT TO, DATA (dot-stuffed, MIME), QUIT", async () => {
		const transport = new SmtpTransport(
			`smtp://mailer:s3cret@127.0.0.1:${server.port}?from=${encodeURIComponent("Bazaar <shop@bazaar.test>")}`,
		);
		const before = server.messages.length;
		await transport.send(sample());
		const got = server.messages[before] as Received;
		// QUIT may or may not have arrived yet: the message was accepted at the end of DATA.
		expect(got.commands.slice(0, 5)).toEqual([
			"EHLO bazaar.local",
			expect.stringMatching(/^AUTH PLAIN /),
			"MAIL FROM:<shop@bazaar.test>",
			"RCPT TO:<shopper@example.test>",
			"DATA",
		]);
		expect(got.auth).toBe("PLAIN mailer:s3cret");
		expect(got.data).toContain("From: Bazaar <shop@bazaar.test>\r\n");
		expect(got.data).toContain("To: Shopper <shopper@example.test>\r\n");
		expect(got.data).toContain(`Subject: =?UTF-8?B?${Buffer.from("Grüße from Bazaar").toString("base64")}?=\r\n`);
		expect(got.data).toContain("Message-ID: <mail_01ARZ3NDEKTSV4RRFFQ69G5FAV@bazaar.test>");
		expect(got.data).toContain("multipart/alternative");
		expect(textPart(got.data)).toBe("Line one\r\n.a line starting with a dot\r\nLast line — ünïcode");
	});

	test("a refused recipient is an error naming the SMTP reply", async () => {
		server.refuseRecipient = true;
		try {
			const transport = new SmtpTransport(`smtp://127.0.0.1:${server.port}`);
			await expect(transport.send(sample())).rejects.toThrow(/RCPT TO was refused: 550/);
		} finally {
			server.refuseRecipient = false;
		}
	});

	test("bad credentials and an unreachable server are errors, not hangs", async () => {
		await expect(new SmtpTransport(`smtp://mailer:wrong@127.0.0.1:${server.port}`).send(sample())).rejects.toThrow(
			/AUTH PLAIN was refused: 535/,
		);
		await expect(new SmtpTransport("smtp://127.0.0.1:1", { timeoutMs: 2_000 }).send(sample())).rejects.toThrow(
			/SMTP connect/,
		);
		await expect(new SmtpTransport(`smtp://127.0.0.1:${server.port}?starttls=required`).send(sample())).rejects.toThrow(
			/STARTTLS/,
		);
	});

	test("a line break in a header is refused (no header injection)", () => {
		expect(() => buildMessage(sample({ subject: "hi\r\nBcc: victim@example.test" }), "a@b.test")).toThrow(/line break/);
	});
});

describe("STARTTLS", () => {
	test("upgrades to TLS when offered, then authenticates inside it", async () => {
		if (!Bun.which("openssl")) {
			console.warn("skipping STARTTLS test: openssl not found to make a test certificate");
			return;
		}
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
		const key = readFileSync(join(dir, "key.pem"));
		const cert = readFileSync(join(dir, "cert.pem"));
		const log: string[] = [];
		let body = "";
		const tlsServer = createServer((raw) => {
			let socket: Socket = raw;
			let buffer = "";
			let inData = false;
			let secure = false;
			const reply = (line: string) => socket.write(`${line}\r\n`);
			const onData = (chunk: Buffer) => {
				buffer += chunk.toString("utf8");
				for (let at = buffer.indexOf("\r\n"); at !== -1; at = buffer.indexOf("\r\n")) {
					const line = buffer.slice(0, at);
					buffer = buffer.slice(at + 2);
					if (inData) {
						if (line === ".") {
							inData = false;
							reply("250 ok");
						} else body += `${line}\n`;
						continue;
					}
					log.push(`${secure ? "tls" : "plain"}: ${line.split(" ")[0]}`);
					const verb = line.split(" ")[0];
					if (verb === "EHLO") socket.write(secure ? "250-tiny\r\n250 AUTH PLAIN\r\n" : "250-tiny\r\n250 STARTTLS\r\n");
					else if (verb === "STARTTLS") {
						reply("220 go ahead");
						raw.removeListener("data", onData);
						socket = new TLSSocket(raw, { isServer: true, key, cert });
						socket.on("error", () => {});
						secure = true;
						socket.on("data", onData);
					} else if (verb === "AUTH") reply(secure ? "235 ok" : "538 encryption required");
					else if (verb === "MAIL" || verb === "RCPT") reply("250 ok");
					else if (verb === "DATA") {
						inData = true;
						reply("354 go");
					} else if (verb === "QUIT") {
						reply("221 bye");
						socket.end();
					}
				}
			};
			raw.on("data", onData);
			raw.on("error", () => {});
			reply("220 tiny ESMTP");
		});
		await new Promise<void>((resolve) => tlsServer.listen(0, "127.0.0.1", resolve));
		const address = tlsServer.address();
		const port = typeof address === "object" && address ? address.port : 0;
		try {
			// A self-signed test certificate: `tls=insecure` skips verification (never in production).
			await new SmtpTransport(`smtp://u:p@127.0.0.1:${port}?starttls=required&tls=insecure`).send(
				sample({ html: null }),
			);
			expect(log.slice(0, 6)).toEqual([
				"plain: EHLO",
				"plain: STARTTLS",
				"tls: EHLO",
				"tls: AUTH",
				"tls: MAIL",
				"tls: RCPT",
			]);
			expect(body).toContain("Content-Type: text/plain; charset=utf-8");
			// Verification is on by default: the self-signed certificate is refused.
			await expect(new SmtpTransport(`smtp://u:p@127.0.0.1:${port}`).send(sample())).rejects.toThrow();
		} finally {
			await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
		}
	});
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
		const token = /\/account\/reset\?token=([A-Za-z0-9_-]+)/.exec(textPart(got.data))?.[1] as string;
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

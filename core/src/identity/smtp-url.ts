// SMTP_URL: smtp://[user:pass@]host[:port][?from=...&starttls=auto|required|never&tls=verify|insecure]
//           smtps://... for TLS from the first byte (port 465).
// The URL holds a password: no error here repeats it, so a bad value can be reported at startup.

export const STARTTLS_MODES = ["auto", "required", "never"] as const;

export interface SmtpSettings {
	host: string;
	/** 25 for smtp://, 465 for smtps:// when the URL names none. */
	port: number;
	/** smtps://: TLS from the first byte; smtp:// upgrades with STARTTLS per `starttls`. */
	implicitTls: boolean;
	/** auto: upgrade when the server offers it; required: refuse a server that does not; never: plain text. */
	starttls: (typeof STARTTLS_MODES)[number];
	/** tls=insecure accepts any certificate (a test server's self-signed one); never in production. */
	verifyTls: boolean;
	user: string | null;
	pass: string | null;
	from: string;
}

export const DEFAULT_MAIL_FROM = "Bazaar <no-reply@bazaar.local>";

/** Parses SMTP_URL; throws an Error whose message never contains the URL or its password. */
export function parseSmtpUrl(url: string, fallbackFrom = DEFAULT_MAIL_FROM): SmtpSettings {
	if (!URL.canParse(url)) throw new Error("SMTP_URL is not a URL (smtp://user:pass@host:port)");
	const u = new URL(url);
	if (u.protocol !== "smtp:" && u.protocol !== "smtps:")
		throw new Error("SMTP_URL must start with smtp:// or smtps://");
	const host = u.hostname.replace(/^\[|\]$/g, "");
	if (!host) throw new Error("SMTP_URL names no host");
	const starttls = u.searchParams.get("starttls") ?? "auto";
	if (!(STARTTLS_MODES as readonly string[]).includes(starttls)) {
		throw new Error("SMTP_URL starttls must be auto, required or never");
	}
	const tls = u.searchParams.get("tls") ?? "verify";
	if (tls !== "verify" && tls !== "insecure") throw new Error("SMTP_URL tls must be verify or insecure");
	const implicitTls = u.protocol === "smtps:";
	return {
		host,
		port: u.port ? Number(u.port) : implicitTls ? 465 : 25,
		implicitTls,
		starttls: starttls as SmtpSettings["starttls"],
		verifyTls: tls === "verify",
		user: u.username ? decodeURIComponent(u.username) : null,
		pass: u.password ? decodeURIComponent(u.password) : null,
		from: u.searchParams.get("from") ?? fallbackFrom,
	};
}

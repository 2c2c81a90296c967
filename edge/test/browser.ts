import { edge, ORIGIN } from "./helpers";

// A browser for the Worker under test: a cookie jar and plain GETs that keep what the pages set.
// Every test file that drives pages as a shopper shares it.

export const rand = (n: number) => Math.floor(Math.random() * n);

export function uniqueEmail(tag = "shopper") {
	return `${tag}-${Date.now()}-${rand(1e9)}@example.com`;
}

/** A browser's cookie jar, just enough for these pages. */
export class Jar {
	readonly cookies = new Map<string, string>();
	/** Each jar gets its own client address, so the core's per-IP limits never couple tests. */
	readonly ip = `10.${rand(255)}.${rand(255)}.${rand(254) + 1}`;
	take(res: Response) {
		for (const line of res.headers.getSetCookie()) {
			const [pair] = line.split(";");
			const eq = pair!.indexOf("=");
			const name = pair!.slice(0, eq);
			const value = pair!.slice(eq + 1);
			if (/max-age=0/i.test(line) || value === "") this.cookies.delete(name);
			else this.cookies.set(name, value);
		}
	}
	header(): Record<string, string> {
		const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
		return { "cf-connecting-ip": this.ip, ...(cookie ? { cookie } : {}) };
	}
}

export async function get(jar: Jar, path: string, headers: Record<string, string> = {}) {
	const res = await edge(path, { headers: { ...jar.header(), ...headers }, redirect: "manual" });
	jar.take(res);
	return { res, html: await res.text() };
}

/** A form post from a page of this site (its Origin), as a browser sends it. */
export async function post(
	jar: Jar,
	path: string,
	fields: Record<string, string>,
	headers: Record<string, string> = {},
) {
	const res = await edge(path, {
		method: "POST",
		headers: { ...jar.header(), origin: ORIGIN, "content-type": "application/x-www-form-urlencoded", ...headers },
		body: new URLSearchParams(fields).toString(),
		redirect: "manual",
	});
	jar.take(res);
	return { res, html: await res.text() };
}

export function csrfOf(html: string): string {
	const m = /name="csrf" value="([^"]+)"/.exec(html);
	if (!m) throw new Error(`no csrf field in ${html.slice(0, 300)}`);
	return m[1]!;
}

/** A hidden field's value in a page's form. */
function hiddenOf(html: string, name: string): string | undefined {
	return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
}

/** The newest sign-up link mailed to `email`, from the dev mailbox page as a developer reads it. */
export async function mailedSignupLink(email: string): Promise<string> {
	const { html } = await get(new Jar(), `/dev/mail?to=${encodeURIComponent(email)}&limit=5`);
	const m = /href="https:\/\/shop\.example(\/account\/signup\/confirm\?[^"]+)"/.exec(html);
	if (!m?.[1]) throw new Error(`no sign-up link mailed to ${email}`);
	return m[1].replaceAll("&amp;", "&");
}

/**
 * Signs up through the pages as a shopper does: the form (answered "check your mail" whether or
 * not the address is taken), then the mailed link and its button. Answers the last step: the
 * confirmation's 303 with the session cookie, or the form's answer when it was refused.
 */
export async function signUpThroughPages(
	jar: Jar,
	fields: { name: string; email: string; password: string; next?: string },
	headers: Record<string, string> = {},
) {
	const form = await get(jar, "/account/signup");
	const sent = await post(jar, "/account/signup", { ...fields, csrf: csrfOf(form.html) }, headers);
	if (sent.res.status !== 200) return sent;
	const page = await get(jar, await mailedSignupLink(fields.email));
	const next = hiddenOf(page.html, "next");
	return post(jar, "/account/signup/confirm", {
		token: hiddenOf(page.html, "token") ?? "",
		csrf: csrfOf(page.html),
		...(next === undefined ? {} : { next: next.replaceAll("&amp;", "&") }),
	});
}

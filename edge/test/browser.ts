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

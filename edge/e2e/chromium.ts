// Debian's Chromium for the browser tests, launched the same way by every file, and the
// failure report they share (the page as it stood and the stack's last log lines).
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import type { TestStack } from "./stack.ts";

export const CHROMIUM = "/usr/bin/chromium";

/** Why the browser tests cannot run here, or undefined when they can. */
export const unavailable =
	process.env.BAZAAR_BROWSER_UNAVAILABLE ?? (existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed`);
if (unavailable) console.warn(`[browser tests] skipped: ${unavailable}. Install Debian's chromium to run them.`);

export function launchChromium(): Promise<Browser> {
	return chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"],
	});
}

/** Runs a test body; a failure carries the page it was on and what the stack printed last. */
export async function withLogs(
	page: () => Page | undefined,
	stack: () => TestStack | undefined,
	fn: () => Promise<void>,
) {
	try {
		await fn();
	} catch (err) {
		const p = page();
		const html = await p
			?.content()
			.then((h) => h.slice(0, 2000))
			.catch(() => "");
		throw new Error(
			`${err instanceof Error ? err.message : String(err)}\n--- page (${p?.url()}) ---\n${html}\n--- stack ---\n${stack()?.logTail(40)}`,
		);
	}
}

/** Clicks and waits for the navigation it causes. */
export async function clickTo(page: Page, selector: string, url: RegExp): Promise<void> {
	await Promise.all([page.waitForURL(url), page.locator(selector).first().click()]);
}

/**
 * Signs up as a shopper does: the form ("check your mail"), then the mailed link, opened from the
 * local stack's dev mailbox, and its button. Ends on /account, signed in.
 */
export async function signUpInBrowser(page: Page, fields: { name: string; email: string; password: string }) {
	await page.goto("/account/signup");
	await page.fill('input[name="name"]', fields.name);
	await page.fill('input[name="email"]', fields.email);
	await page.fill('input[name="password"]', fields.password);
	await Promise.all([
		page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/account/signup"),
		page.locator('form[action="/account/signup"] button[type="submit"]').click(),
	]);
	await page.getByText("Check your mail").first().waitFor();
	await page.goto(`/dev/mail?to=${encodeURIComponent(fields.email)}`);
	await clickTo(page, 'a.mail-link[href*="/account/signup/confirm"]', /\/account\/signup\/confirm\?/);
	await clickTo(page, 'form[action="/account/signup/confirm"] button[type="submit"]', /\/account(\?|$)/);
}

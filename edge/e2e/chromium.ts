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

// Debian's Chromium for the browser tests, launched the same way by every file, and the
// failure report they share (the page as it stood and the stack's last log lines).
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { startTestStack, type TestStack } from "./stack.ts";

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

/** A call to the stack's admin API as its admin (a fresh bearer token each time). */
export async function adminApi<T>(
	stack: TestStack,
	path: string,
	init: RequestInit = {},
): Promise<{ status: number; body: T }> {
	const res = await fetch(`${stack.edgeUrl}/api/admin${path}`, {
		...init,
		headers: { authorization: `Bearer ${await stack.adminBearer()}`, "content-type": "application/json" },
	});
	return { status: res.status, body: (await res.json()) as T };
}

/** A new account signed up and signed in on `page`, given `roles` by the admin (admin API); its id. */
export async function staffOn(stack: TestStack, page: Page, name: string, roles: string[]): Promise<string> {
	const email = `${name.toLowerCase().replace(/\W+/g, "-")}-${Date.now()}@example.com`;
	await signUpInBrowser(page, { name, email, password: "correct horse battery staple" });
	const found = await adminApi<{ items: { id: string }[] }>(stack, `/identity/users?q=${encodeURIComponent(email)}`);
	const id = found.body.items[0]?.id;
	if (found.status !== 200 || !id) throw new Error(`the new account ${email} was not found (${found.status})`);
	if (roles.length > 0) {
		const set = await adminApi(stack, `/identity/users/${id}/roles`, {
			method: "PUT",
			body: JSON.stringify({ roles }),
		});
		if (set.status !== 200) throw new Error(`setting ${email}'s roles failed (${set.status})`);
	}
	return id;
}

/**
 * One test file's stack and browser: started before its tests, stopped after them. `page` is the
 * page failures report on (a file that opens its own pages sets it); `click` and `json` are the
 * shorthands every file wants.
 */
export type BrowserSession = {
	stack: TestStack;
	browser: Browser;
	page: Page;
	withLogs(fn: () => Promise<void>): Promise<void>;
	click(selector: string, url: RegExp): Promise<void>;
	json<T>(path: string): Promise<T>;
};

export function browserSession(
	options: Parameters<typeof startTestStack>[0] & {
		/** Open a page on the stack's edge (default); a file with its own contexts says false. */
		page?: boolean;
		/** Runs after the stack starts, before the browser (e.g. point a fake at the core). */
		beforeBrowser?: (stack: TestStack) => Promise<void>;
	} = {},
): BrowserSession {
	const session = {
		withLogs: (fn: () => Promise<void>) =>
			withLogs(
				() => session.page,
				() => session.stack,
				fn,
			),
		click: (selector: string, url: RegExp) => clickTo(session.page, selector, url),
		json: async <T>(path: string) => (await (await fetch(`${session.stack.edgeUrl}${path}`)).json()) as T,
	} as BrowserSession;
	beforeAll(async () => {
		session.stack = await startTestStack(options);
		await options.beforeBrowser?.(session.stack);
		if (unavailable) return;
		session.browser = await launchChromium();
		if (options.page !== false) session.page = await session.browser.newPage({ baseURL: session.stack.edgeUrl });
	});
	afterAll(async () => {
		await session.browser?.close();
		await session.stack?.stop();
	});
	return session;
}

/** The checkout's address step, filled as a shopper does (a select or a text box for the country). */
export async function fillAddress(
	page: Page,
	name: string,
	line1 = "1 Market Street",
	countryCode = "US",
): Promise<void> {
	await page.fill('input[name="name"]', name);
	await page.fill('input[name="line1"]', line1);
	await page.fill('input[name="city"]', "Springfield");
	await page.fill('input[name="postalCode"]', "12345");
	const country = page.locator('[name="country"]');
	if ((await country.evaluate((el) => el.tagName)) === "SELECT") await country.selectOption(countryCode);
	else await country.fill(countryCode);
}

/** From a filled address: standard shipping, then the review page. */
export async function shipStandardToReview(page: Page): Promise<void> {
	await clickTo(page, 'form[action="/checkout/shipping"] button[type="submit"]', /\/checkout\/shipping/);
	await page.locator('input[name="shippingMethod"][value="standard"]').check();
	await clickTo(page, 'form[action="/checkout/review"] button[type="submit"]', /\/checkout\/review/);
}

/**
 * On the return page after a gateway approved: waits until it shows the order paid; the order's id.
 * While the order is still pending that page reloads itself (a `Refresh` header), so a test that
 * navigates or reloads before then is interrupted by it. A paid page has no such header: from here
 * on the page stays put.
 */
export async function waitForPaidReturn(page: Page): Promise<string> {
	await page.waitForURL(/\/checkout\/return\//);
	await page
		.getByTestId("confirmation-title")
		.filter({ hasText: "Thank you, order paid" })
		.waitFor({ timeout: 30_000 });
	await page.waitForLoadState("load");
	return new URL(page.url()).pathname.split("/").pop() ?? "";
}

/** On the sandbox's page: approve, and wait until the return page shows the order paid; its id. */
export async function approveInSandbox(page: Page): Promise<string> {
	await clickTo(page, 'button[value="approve"]', /\/checkout\/return\//);
	return waitForPaidReturn(page);
}

/** From the review page: place the order, approve it on the sandbox's page, wait until it is paid; its id. */
export async function placeAndApproveInSandbox(page: Page): Promise<string> {
	await clickTo(page, 'form[action="/checkout/place"] button[type="submit"]', /\/sandbox-pay\//);
	return approveInSandbox(page);
}

/**
 * A signed-in shopper buys one product (or `quantity` of it) the way the storefront offers it:
 * product page → cart → address → standard shipping → review → sandbox approve. Ends on the return
 * page showing the order paid; the order's id.
 */
export async function buyOneInSandbox(
	page: Page,
	product: { slug: string; shipTo: string; quantity?: number },
): Promise<string> {
	await page.goto(`/products/${product.slug}`);
	if (product.quantity !== undefined) {
		await page.fill('form[action="/cart/add"] input[name="quantity"]', String(product.quantity));
	}
	await clickTo(page, 'form[action="/cart/add"] button[type="submit"]', /\/cart(\?|$)/);
	await clickTo(page, 'a[href="/checkout"]', /\/checkout(\?|$)/);
	await fillAddress(page, product.shipTo);
	await shipStandardToReview(page);
	return placeAndApproveInSandbox(page);
}

// Issue 4's browser round trip through a gateway's redirect, in a real Chromium against the real
// stack, with the core's Stripe gateway pointed at the local fake Stripe (core/src/payment/stripe/
// testing/fake-stripe.ts, which runs on Bun, so it runs in a Bun child of this test process):
//   sign up → a product → checkout choosing Stripe Checkout → the fake's hosted page → Pay →
//   back on our confirmation page, paid (the fake's signed webhook, or our confirmation on return);
//   the hosted page's Back button → our "payment not completed" page, whose retry goes back there;
//   the Payment Element flow → our /checkout/pay page under Stripe's CSP → Stripe's redirect to
//   the return URL, settled by our confirmation alone (its webhook is held back).
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, ROOT } from "../../scripts/lib/stack.mjs";
import { clickTo, launchChromium, signUpInBrowser, unavailable, withLogs as withStackLogs } from "./chromium.ts";
import { startTestStack, type TestStack } from "./stack.ts";

const WEBHOOK_SECRET = "whsec_e2e_gateway_round_trip";

/** The fake Stripe in a Bun child: one JSON line per command on stdin, one JSON answer on stdout. */
const FAKE_STRIPE_RUNNER = `
import { startFakeStripe } from ${JSON.stringify(join(ROOT, "core/src/payment/stripe/testing/fake-stripe.ts"))};
const fake = startFakeStripe({ webhookSecret: process.env.FAKE_STRIPE_WEBHOOK_SECRET });
console.log(JSON.stringify({ url: fake.url }));
for await (const line of console) {
	const cmd = JSON.parse(line);
	try {
		if (cmd.webhookUrl) fake.webhookUrl = cmd.webhookUrl;
		// Stripe takes the money but its webhook is held back: only our return can settle it.
		if (cmd.succeedSilently) await fake.succeed(cmd.succeedSilently, { silent: true });
		console.log(JSON.stringify({ ok: true }));
	} catch (err) {
		console.log(JSON.stringify({ ok: false, error: String(err) }));
	}
}
`;

class FakeStripeProcess {
	private readonly answers: ((line: string) => void)[] = [];
	private readonly output: string[] = [];
	private constructor(private readonly child: ChildProcessWithoutNullStreams) {
		createInterface({ input: child.stdout }).on("line", (line) => {
			if (line.startsWith("{")) this.answers.shift()?.(line);
			else this.output.push(line);
		});
		createInterface({ input: child.stderr }).on("line", (line) => this.output.push(line));
	}

	static async start(): Promise<{ fake: FakeStripeProcess; url: string }> {
		const child = spawn(join(BIN, "bun"), ["-e", FAKE_STRIPE_RUNNER], {
			cwd: ROOT,
			env: { ...process.env, FAKE_STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET },
			stdio: ["pipe", "pipe", "pipe"],
		});
		const fake = new FakeStripeProcess(child);
		const first = await fake.next(15_000);
		return { fake, url: (JSON.parse(first) as { url: string }).url };
	}

	private next(timeoutMs = 10_000): Promise<string> {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(
				() => reject(new Error(`fake Stripe did not answer:\n${this.output.join("\n")}`)),
				timeoutMs,
			);
			this.answers.push((line) => {
				clearTimeout(timer);
				resolve(line);
			});
		});
	}

	async send(command: Record<string, string>): Promise<void> {
		const answer = this.next();
		this.child.stdin.write(`${JSON.stringify(command)}\n`);
		const parsed = JSON.parse(await answer) as { ok: boolean; error?: string };
		if (!parsed.ok) throw new Error(`fake Stripe: ${parsed.error}`);
	}

	async stop(): Promise<void> {
		if (this.child.exitCode !== null) return;
		const exited = new Promise((r) => this.child.once("exit", r));
		this.child.kill("SIGTERM");
		await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
		if (this.child.exitCode === null) this.child.kill("SIGKILL");
	}
}

type Listed = { slug: string; title: string; inStock: boolean };

describe("paying through a gateway's redirect", () => {
	let stack: TestStack;
	let fake: FakeStripeProcess;
	let fakeUrl: string;
	let browser: Browser;
	let page: Page;
	let products: Listed[] = [];
	/** Every CSP violation Chromium reports: none is expected anywhere on the way. */
	const violations: string[] = [];

	beforeAll(async () => {
		({ fake, url: fakeUrl } = await FakeStripeProcess.start());
		stack = await startTestStack({
			products: 60,
			coreEnv: {
				STRIPE_SECRET_KEY: "sk_test_e2egateway",
				STRIPE_PUBLISHABLE_KEY: "pk_test_e2egateway",
				STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
				STRIPE_FLOWS: "checkout,elements",
				STRIPE_API_URL: fakeUrl,
			},
		});
		await fake.send({ webhookUrl: `${stack.coreUrl}/payment/webhooks/stripe` });
		const res = await fetch(`${stack.edgeUrl}/api/catalog/products?kind=physical&inStock=true&limit=10`);
		const text = await res.text();
		if (res.status !== 200) {
			throw new Error(`the catalog answered ${res.status}: ${text.slice(0, 500)}\n--- stack ---\n${stack.logTail(60)}`);
		}
		products = (JSON.parse(text) as { items: Listed[] }).items.filter((p) => p.inStock);
		if (unavailable) return;
		browser = await launchChromium();
		page = await browser.newPage({ baseURL: stack.edgeUrl });
		page.on("console", (msg) => {
			if (/Content.Security.Policy/i.test(msg.text())) violations.push(`${page.url()}: ${msg.text()}`);
		});
		// Stripe.js itself is not reachable from a test machine: the page must cope without it.
		await page.route("https://js.stripe.com/**", (route) => route.abort());
	});

	afterAll(async () => {
		await browser?.close();
		await stack?.stop();
		await fake?.stop();
	});

	const withLogs = (fn: () => Promise<void>) =>
		withStackLogs(
			() => page,
			() => stack,
			fn,
		);

	const click = (selector: string, url: RegExp) => clickTo(page, selector, url);

	/** Adds the next unused product from its own page. */
	const addProduct = async () => {
		const product = products.shift();
		if (!product) throw new Error("no product left");
		await page.goto(`/products/${product.slug}`);
		await click('form[action="/cart/add"] button[type="submit"]', /\/cart(\?|$)/);
		return product;
	};

	/** Address → shipping → review; returns the review page's response. */
	const toReview = async () => {
		await page.goto("/checkout");
		await page.fill('input[name="name"]', "Gus Gateway");
		await page.fill('input[name="line1"]', "1 Market Street");
		await page.fill('input[name="city"]', "Springfield");
		await page.fill('input[name="postalCode"]', "12345");
		const country = page.locator('[name="country"]');
		if ((await country.evaluate((el) => el.tagName)) === "SELECT") await country.selectOption("US");
		else await country.fill("US");
		await click('form[action="/checkout/shipping"] button[type="submit"]', /\/checkout\/shipping/);
		await page.locator('input[name="shippingMethod"][value="standard"]').check();
		const [review] = await Promise.all([
			page.waitForResponse((r) => new URL(r.url()).pathname === "/checkout/review"),
			click('form[action="/checkout/review"] button[type="submit"]', /\/checkout\/review/),
		]);
		return review;
	};

	const statusOnReload = () =>
		expect.poll(
			async () => {
				await page.reload();
				return page.locator("[data-testid=order-status]").getAttribute("data-status");
			},
			{ timeout: 15_000, interval: 500 },
		);

	it.skipIf(Boolean(unavailable))("signs up", () =>
		withLogs(async () => {
			await signUpInBrowser(page, {
				name: "Gus Gateway",
				email: `gateway-${Date.now()}@example.com`,
				password: "correct horse battery staple",
			});
		}),
	);

	it.skipIf(Boolean(unavailable))(
		"Stripe Checkout: the review offers it, the place form is redirected to the hosted page, Pay comes back paid",
		() =>
			withLogs(async () => {
				const product = await addProduct();
				const review = await toReview();
				// The review's form may end at Stripe's hosted page (here: the fake's origin), nothing more.
				const csp = review.headers()["content-security-policy"] ?? "";
				expect(csp).toContain(`form-action 'self' https://checkout.stripe.com ${fakeUrl};`);
				expect(csp).toContain("script-src 'self';");
				expect(csp).not.toContain("js.stripe.com");

				const choices = page.locator('[data-testid="gateways"] label');
				expect(await choices.count()).toBe(3);
				expect(await page.locator('input[name="gateway"]:checked').getAttribute("value")).toBe("sandbox");
				const hosted = page.locator("label", { hasText: "Stripe Checkout" });
				await hosted.locator('input[name="gateway"]').check();

				await click('form[action="/checkout/place"] button[type="submit"]', /\/c\/pay\/cs_/);
				expect(new URL(page.url()).origin).toBe(fakeUrl);
				expect(await page.locator("h1").textContent()).toMatch(/^Pay /);

				await click('form[action$="/pay"] button', /\/checkout\/return\/ord_/);
				const orderId = new URL(page.url()).pathname.split("/").pop() ?? "";
				expect(new URL(page.url()).origin).toBe(stack.edgeUrl);
				await statusOnReload().toBe("paid");
				expect(await page.locator("main").textContent()).toContain(product.title);

				await page.goto(`/account/orders/${orderId}`);
				await expect.poll(() => page.locator("[data-status]").first().getAttribute("data-status")).toBe("paid");
				expect(violations).toEqual([]);
			}),
	);

	it.skipIf(Boolean(unavailable))(
		"Stripe Checkout's Back button: the cancelled page, whose retry goes back to the same hosted page",
		() =>
			withLogs(async () => {
				await addProduct();
				await toReview();
				await page.locator('input[name="gateway"][value="stripe_checkout"]').check();
				await click('form[action="/checkout/place"] button[type="submit"]', /\/c\/pay\/cs_/);
				const hostedPage = page.url();

				const [cancelled] = await Promise.all([
					page.waitForResponse((r) => new URL(r.url()).pathname.startsWith("/checkout/cancelled/")),
					click('form[action$="/back"] button', /\/checkout\/cancelled\/ord_/),
				]);
				expect(await page.locator("[data-testid=cancelled-title]").textContent()).toBe("Payment not completed");
				expect(cancelled.headers()["content-security-policy"]).toContain(
					`form-action 'self' https://checkout.stripe.com ${fakeUrl};`,
				);
				// The gateway used last is offered first.
				expect(await page.locator('input[name="gateway"]:checked').getAttribute("value")).toBe("stripe_checkout");

				await click('form[action^="/checkout/retry/"] button[type="submit"]', /\/c\/pay\/cs_/);
				expect(page.url()).toBe(hostedPage);
				expect(violations).toEqual([]);
			}),
	);

	it.skipIf(Boolean(unavailable))(
		"Payment Element: our pay page under Stripe's CSP, then Stripe's redirect back settles it without a webhook",
		() =>
			withLogs(async () => {
				await addProduct();
				await toReview();
				await page.locator('input[name="gateway"][value="stripe"]').check();
				const [pay] = await Promise.all([
					page.waitForResponse((r) => new URL(r.url()).pathname.startsWith("/checkout/pay/")),
					click('form[action="/checkout/place"] button[type="submit"]', /\/checkout\/pay\/ord_/),
				]);
				expect(pay.headers()["content-security-policy"]).toBe(
					"default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'self' https://js.stripe.com; " +
						"frame-src https://js.stripe.com https://hooks.stripe.com; " +
						// The Worker names its own WebSocket origin beside 'self' (the support chat's room).
						`connect-src 'self' https://api.stripe.com ${stack.edgeUrl.replace(/^http/, "ws")}; ` +
						"form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
				);
				const root = page.locator("#stripe-pay");
				expect(await root.getAttribute("data-publishable-key")).toBe("pk_test_e2egateway");
				const secret = (await root.getAttribute("data-client-secret")) ?? "";
				expect(secret).toMatch(/^pi_[0-9a-f]+_secret_/);
				const returnUrl = (await root.getAttribute("data-return-url")) ?? "";
				const orderId = new URL(page.url()).pathname.split("/").pop() ?? "";
				expect(returnUrl.startsWith(`${stack.edgeUrl}/checkout/return/${orderId}?k=`)).toBe(true);
				// Our script ran (no inline script; CSP allowed /assets) and, without Stripe.js, says so.
				await expect.poll(() => page.locator("#stripe-pay-message").textContent()).toMatch(/could not load/);
				expect(await page.locator("#stripe-pay-submit").isDisabled()).toBe(true);
				// No card field of ours: card entry is only ever inside Stripe's iframe (the support chat's
				// email field, in its own widget outside the page's main, is not one).
				expect(await page.locator("main input:not([type=hidden]):not([type=search])").count()).toBe(0);

				// The shopper pays in the Element; Stripe redirects to the return URL. Its webhook is held back.
				const intent = secret.split("_secret_")[0] ?? "";
				await fake.send({ succeedSilently: intent });
				await page.goto(`${returnUrl}&payment_intent=${intent}&redirect_status=succeeded`);
				await statusOnReload().toBe("paid");
				expect(violations).toEqual([]);
			}),
	);
});

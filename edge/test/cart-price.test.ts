import { describe, expect, it } from "vitest";
import { api, cartOf, csrfOf, get, Jar, makeProduct, postForm, signUp } from "./cart-fixtures";
import { core, ORIGIN } from "./helpers";

// A cart line whose price changed since the shopper added it says so on the cart page, until
// they change its quantity. The price is changed the way an admin changes it: through the
// core's catalog admin API.

const ADMIN = { user: "cart-price-test-admin", roles: ["admin"] };

async function setPrice(variantId: string, amount: number) {
	const res = await core().request("PATCH", `/catalog/admin/variants/${variantId}`, {
		caller: ADMIN,
		body: JSON.stringify({ prices: [{ amount, currency: "USD" }] }),
	});
	expect(res.status, await res.clone().text()).toBe(200);
}

const addFromProductPage = (jar: Jar, variantId: string, quantity: string) =>
	postForm(jar, "/cart/add", { variantId, quantity }, { origin: ORIGIN });

/** The cart page's row of one line (up to the next row). */
function rowOf(html: string, variantId: string): string {
	const start = html.indexOf(`data-variant="${variantId}"`);
	expect(start, `no row for ${variantId}`).toBeGreaterThan(-1);
	const end = html.indexOf("</tr>", start);
	return html.slice(start, end);
}

describe("a line whose price changed since it was added", () => {
	it("the cart page says from what to what, prices at the new price, and stops once the quantity is changed", async () => {
		// $12.50 and $13.50.
		const { variants } = await makeProduct([10, 10]);
		const [raised, lowered] = [variants[0]!, variants[1]!];
		const jar = new Jar();
		await addFromProductPage(jar, raised, "2");
		await addFromProductPage(jar, lowered, "1");
		let page = await get(jar, "/cart");
		expect(page.html).not.toContain("since you added it");

		await setPrice(raised, 1400);
		await setPrice(lowered, 1100);
		page = await get(jar, "/cart");
		expect(page.res.status).toBe(200);
		expect(rowOf(page.html, raised)).toContain("Price changed from $12.50 to $14.00 since you added it.");
		expect(rowOf(page.html, lowered)).toContain("Price changed from $13.50 to $11.00 since you added it.");
		expect(rowOf(page.html, raised)).toContain("$28.00");
		expect(page.html).toContain('data-testid="subtotal">$39.00<');
		// Told, not blocking.
		expect(page.html).toContain('href="/checkout"');

		const cart = await cartOf(jar);
		expect(cart.warnings).toEqual([
			{
				variantId: raised,
				slot: null,
				status: "price_changed",
				message: "price changed from $12.50 to $14.00 since you added it",
				from: { amount: 1250, currency: "USD" },
				to: { amount: 1400, currency: "USD" },
			},
			expect.objectContaining({ variantId: lowered, status: "price_changed" }),
		]);

		// Changing the quantity (here to the same number) is seeing the new price.
		const res = await postForm(jar, `/cart/lines/${raised}/quantity`, { quantity: "2", csrf: csrfOf(page.html) });
		expect(res.res.status).toBe(303);
		page = await get(jar, "/cart?done=updated");
		expect(rowOf(page.html, raised)).not.toContain("since you added it");
		expect(rowOf(page.html, lowered)).toContain("Price changed from $13.50 to $11.00 since you added it.");
		// Through the JSON API too.
		const patched = await api(jar, "PATCH", `/api/cart/lines/${lowered}`, { quantity: 3 });
		expect(patched.res.status).toBe(200);
		expect((await cartOf(jar)).warnings).toEqual([]);
		expect((await get(jar, "/cart")).html).not.toContain("since you added it");
	});

	it("a guest's line keeps the price it was added at when the cart becomes the customer's", async () => {
		const { variants } = await makeProduct([10]);
		const jar = new Jar();
		await addFromProductPage(jar, variants[0]!, "1");
		await setPrice(variants[0]!, 1500);
		await signUp(jar, "Paula Price");
		const page = await get(jar, "/cart");
		expect(rowOf(page.html, variants[0]!)).toContain("Price changed from $12.50 to $15.00 since you added it.");
		expect((await cartOf(jar)).owner).toBe("customer");
	});
});

import type { Role } from "@bazaar/contracts/identity";
import { expect } from "vitest";
import { csrfOf, get, Jar, logIn, PASSWORD, post, uniqueEmail } from "./account-support";
import { adminHeaders, edge, registerAtCore } from "./helpers";

// Staff in a browser for the console's tests: an account given `roles` through the admin API,
// signed in through the storefront's login form (a cookie session, as a person uses the console).

export interface StaffBrowser {
	jar: Jar;
	id: string;
	email: string;
}

export async function staffBrowser(roles: Role[]): Promise<StaffBrowser> {
	const email = uniqueEmail("staff");
	const user = await registerAtCore({ email, password: PASSWORD, name: `Staff ${roles.join(" ")}` }, new Jar().ip);
	if (roles.join() !== "customer") {
		const set = await edge(`/api/admin/identity/users/${user.id}/roles`, {
			method: "PUT",
			headers: await adminHeaders(),
			body: JSON.stringify({ roles }),
		});
		expect(set.status, await set.clone().text()).toBe(200);
	}
	const { jar, res } = await logIn(email);
	expect(res.status).toBe(303);
	return { jar, id: user.id, email };
}

/** Opens a console page and posts its form at `action` with `fields` (the page's CSRF token added). */
export async function submit(
	staff: StaffBrowser,
	page: string,
	action: string,
	fields: Record<string, string>,
): Promise<{ res: Response; html: string }> {
	const form = await get(staff.jar, page);
	expect(form.res.status, form.html.slice(0, 500)).toBe(200);
	return post(staff.jar, action, { csrf: csrfOf(form.html), ...fields });
}

export { csrfOf, get, post };

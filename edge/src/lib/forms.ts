import type { AppContext } from "../env";
import { CSRF_FIELD, csrfValid } from "../session/csrf";
import { errorPage } from "./personal-page";

/** The submitted form fields (strings only), or null when the body is not a form. */
export async function formFields(c: AppContext): Promise<Record<string, string> | null> {
	const type = c.req.header("content-type") ?? "";
	if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) return null;
	try {
		const out: Record<string, string> = {};
		for (const [k, v] of (await c.req.formData()).entries()) if (typeof v === "string") out[k] = v;
		return out;
	} catch {
		return null;
	}
}

/** Whether the browser says this request came from a page of this site (Origin, else Sec-Fetch-Site). */
export function sameOrigin(c: AppContext, { required }: { required: boolean }): boolean {
	const origin = c.req.header("origin");
	if (origin !== undefined && origin !== "null") return origin === new URL(c.req.url).origin;
	const site = c.req.header("sec-fetch-site");
	if (site !== undefined) return site === "same-origin";
	return !required;
}

/**
 * Reads a state-changing form: an Origin (when the browser sends one) from this site, a body
 * that is a form, and a valid CSRF token. Answers the 403/400 page itself otherwise.
 */
export async function checkedForm(c: AppContext): Promise<Record<string, string> | Response> {
	if (!sameOrigin(c, { required: false })) return errorPage(c, 403, "This form was sent from another site.");
	const fields = await formFields(c);
	if (!fields) return errorPage(c, 400, "Send this form from the page it is on.");
	if (!(await csrfValid(c, c.get("session"), fields[CSRF_FIELD]))) {
		return errorPage(c, 403, "This form has expired or did not come from this site. Reload the page and try again.");
	}
	return fields;
}

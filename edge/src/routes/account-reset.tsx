import { ResetToken } from "@bazaar/contracts/identity";
import { Hono } from "hono";
import type { AppContext, AppEnv } from "../env";
import { anonymousCaller } from "../lib/core-call";
import { checkedForm } from "../lib/forms";
import { identity } from "../lib/identity";
import { coreTrouble, personalPage as page, seeOther } from "../lib/personal-page";
import { csrfToken } from "../session/csrf";
import { endSession } from "../session/middleware";
import { ResetConfirmPage, ResetRequestPage } from "../views/account-reset";

// Password reset, mounted at /account/reset. The core mails a link to
// `<storefront>/account/reset?token=…` (core/src/identity/request-password-reset.ts), so that
// path shows the new-password form when it carries a token and the request form when it does
// not; /account/reset/confirm?token=… shows the same form. A reset ends every session of the
// user (the core bumps the generation), so the shopper logs in afresh with the new password.

export const accountReset = new Hono<AppEnv>();

const badLink = {
	text: "This password reset link is not valid any more. Ask for a new one.",
	errors: [{ path: "token", message: "unknown, used or expired" }],
};

async function confirmForm(c: AppContext) {
	const csrf = await csrfToken(c, c.get("session"));
	const token = c.req.query("token") ?? "";
	if (!ResetToken.safeParse(token).success) return page(c, 400, <ResetRequestPage csrf={csrf} message={badLink} />);
	// The token is in the address bar; it must not leak to another site through Referer.
	return page(c, 200, <ResetConfirmPage csrf={csrf} token={token} />, { "referrer-policy": "no-referrer" });
}

accountReset.get("/", async (c) => {
	if (c.req.query("token") !== undefined) return confirmForm(c);
	return page(c, 200, <ResetRequestPage csrf={await csrfToken(c, c.get("session"))} />);
});

accountReset.get("/confirm", confirmForm);

accountReset.post("/", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const email = fields.email ?? "";
	const result = await identity.requestPasswordReset(c.env, anonymousCaller(c.req.raw), { email });
	const csrf = await csrfToken(c, c.get("session"));
	// One answer whether or not the address has an account; only a malformed address is refused.
	if (result.ok) return page(c, 200, <ResetRequestPage csrf={csrf} email={email} sent />);
	if (result.status === 400 || result.status === 422) {
		const message = { text: "Enter a valid email address.", errors: result.problem.errors };
		return page(c, 422, <ResetRequestPage csrf={csrf} email={email} message={message} />);
	}
	if (result.status === 429) {
		const message = { text: "Too many attempts. Wait a little and try again." };
		return page(c, 429, <ResetRequestPage csrf={csrf} email={email} message={message} />);
	}
	return coreTrouble(c, result.status);
});

accountReset.post("/confirm", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const token = fields.token ?? "";
	const csrf = await csrfToken(c, c.get("session"));
	if (!ResetToken.safeParse(token).success) return page(c, 422, <ResetRequestPage csrf={csrf} message={badLink} />);
	const input = { token, newPassword: fields.newPassword ?? "" };
	const result = await identity.confirmPasswordReset(c.env, anonymousCaller(c.req.raw), input);
	if (result.ok) {
		if (c.get("session")) await endSession(c);
		return seeOther(c, "/account/login?done=reset");
	}
	if (result.status === 400 || result.status === 422) {
		const message = { text: result.problem.detail ?? result.problem.title, errors: result.problem.errors };
		return page(c, 422, <ResetConfirmPage csrf={csrf} token={token} message={message} />, {
			"referrer-policy": "no-referrer",
		});
	}
	return coreTrouble(c, result.status);
});

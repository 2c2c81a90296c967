import {
	bodyOf,
	COOKIE_WRITE_RULE,
	coreTrouble,
	csrfProblems,
	type Json,
	json,
	pathParam,
	problem,
	SESSION,
} from "./parts";

// The account flows as JSON (edge/src/routes/api-account.ts): sign-up, password reset, the
// profile, the password and the address book, for other storefronts and apps.

const tooLarge = { "413": problem("The body is larger than 16 KB.") };
const badBody = (what: string) => ({ "400": problem(`The body is not JSON or not a valid ${what}.`) });
const signIn = { "401": problem("Not signed in, or the session has ended (`WWW-Authenticate: Bearer`).") };
const limited = { "429": problem("Too many attempts; `Retry-After` says when to try again.") };
const addressId = pathParam("id", "Address id.");
const noAddress = { "404": problem("No such address in your account.") };

const write = (op: Json, responses: Record<string, unknown>) => ({
	...op,
	description: `${String(op.description ?? "")} ${COOKIE_WRITE_RULE}`.trim(),
	responses: { ...responses, ...csrfProblems, ...tooLarge, ...coreTrouble },
});
const personal = (op: Json, responses: Record<string, unknown>, writes: boolean) => {
	const base = { tags: ["account"], security: SESSION, ...op };
	return writes
		? write(base, { ...responses, ...signIn })
		: { ...base, responses: { ...responses, ...signIn, ...coreTrouble } };
};

export function accountPaths(): Record<string, Json> {
	return {
		"/api/customers": {
			post: write(
				{
					tags: ["account"],
					operationId: "register",
					summary: "Sign up",
					description:
						"Mails a confirmation link (`/account/signup/confirm?token=…`) to the address; the same 202 when the address already has an account (that mail says so). Rate limits as the form's: per client address and for the whole shop.",
					requestBody: bodyOf("RegisterInput"),
				},
				{ "202": json("SignupAccepted", "The mail is on its way."), ...badBody("sign-up"), ...limited },
			),
		},
		"/api/customers/confirm": {
			post: write(
				{
					tags: ["account"],
					operationId: "confirmSignup",
					summary: "Confirm a sign-up",
					description:
						"The mailed token makes the account and signs it in: the answer is a session, as from POST /api/session.",
					requestBody: bodyOf("SignupConfirm"),
				},
				{
					"201": json("ApiSession", "The account exists and is signed in."),
					...badBody("token, or it is unknown, used or expired"),
				},
			),
		},
		"/api/password-reset": {
			post: write(
				{
					tags: ["account"],
					operationId: "requestPasswordReset",
					summary: "Ask for a password reset",
					description:
						"Mails a reset link (`/account/reset?token=…`); the same 202 for an address without an account. At most three mails an hour per address: beyond that nothing is sent, with the same answer.",
					requestBody: bodyOf("PasswordResetRequest"),
				},
				{ "202": json("PasswordResetAccepted", "Accepted."), ...badBody("email address"), ...limited },
			),
		},
		"/api/password-reset/confirm": {
			post: write(
				{
					tags: ["account"],
					operationId: "confirmPasswordReset",
					summary: "Set a new password with the mailed token",
					description: "Every session of the account ends, this one too; sign in again with the new password.",
					requestBody: bodyOf("PasswordResetConfirm"),
				},
				{
					"204": { description: "The password is changed." },
					...badBody("token and new password, or the token is unknown, used or expired"),
				},
			),
		},
		"/api/account/profile": {
			get: personal(
				{ operationId: "profile", summary: "Your profile" },
				{ "200": json("UserPublic", "The account.") },
				false,
			),
			patch: personal(
				{
					operationId: "updateProfile",
					summary: "Change your name or email",
					description:
						"A new email needs `currentPassword` and ends every session: the answer's `token` is this client's new one (a cookie session gets a new cookie).",
					requestBody: bodyOf("ProfilePatch"),
				},
				{
					"200": json("AccountUpdated", "Changed."),
					...badBody("change, or the password is wrong"),
					...limited,
					"409": problem("The email belongs to another account."),
				},
				true,
			),
		},
		"/api/account/password": {
			post: personal(
				{
					operationId: "changePassword",
					summary: "Change your password",
					description: "Ends every other session; the answer's `token` is this client's new one.",
					requestBody: bodyOf("ChangePasswordInput"),
				},
				{
					"200": json("AccountUpdated", "Changed."),
					...badBody("change, or the current password is wrong"),
					...limited,
				},
				true,
			),
		},
		"/api/account/addresses": {
			get: personal(
				{ operationId: "addresses", summary: "Your address book" },
				{ "200": json("AddressList", "Your addresses.") },
				false,
			),
			post: personal(
				{ operationId: "addAddress", summary: "Add an address", requestBody: bodyOf("AddressInput") },
				{ "201": json("Address", "Added."), ...badBody("address") },
				true,
			),
		},
		"/api/account/addresses/{id}": {
			get: personal(
				{ operationId: "address", summary: "One of your addresses", parameters: [addressId] },
				{ "200": json("Address", "The address."), ...noAddress },
				false,
			),
			patch: personal(
				{
					operationId: "updateAddress",
					summary: "Change an address",
					parameters: [addressId],
					requestBody: bodyOf("AddressPatch"),
				},
				{ "200": json("Address", "Changed."), ...badBody("change"), ...noAddress },
				true,
			),
			delete: personal(
				{ operationId: "deleteAddress", summary: "Delete an address", parameters: [addressId] },
				{ "204": { description: "Deleted." }, ...noAddress },
				true,
			),
		},
	};
}

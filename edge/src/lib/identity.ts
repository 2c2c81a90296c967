import {
	Address,
	AddressList,
	MailList,
	MailMessage,
	PasswordResetAccepted,
	SignupAccepted,
	UserPublic,
} from "@bazaar/contracts/identity";
import type { Caller } from "@bazaar/signature";
import { z } from "zod";
import { callCore } from "./core-call";

// The edge's calls to the core's identity module.

export const AccountUser = UserPublic;
export type AccountUser = UserPublic;

/** A DELETE answers 204 with no body: callCore parses "" as null. */
const NoContent = z.null();

const addressPath = (id: string) => `/identity/me/addresses/${encodeURIComponent(id)}`;

export const identity = {
	/** The same `{accepted: true}` whether or not the address has an account: the mail says which. */
	register: (env: Env, caller: Caller, input: { email: string; password: string; name: string; next?: string }) =>
		callCore(env, SignupAccepted, "POST", "/identity/register", caller, { body: input }),
	/** Opens the mailed link: the account exists from here on. */
	confirmSignup: (env: Env, caller: Caller, input: { token: string }) =>
		callCore(env, AccountUser, "POST", "/identity/register/confirm", caller, { body: input }),
	login: (env: Env, caller: Caller, input: { email: string; password: string }) =>
		callCore(env, AccountUser, "POST", "/identity/login", caller, { body: input }),
	me: (env: Env, caller: Caller) => callCore(env, AccountUser, "GET", "/identity/me", caller),
	logoutEverywhere: (env: Env, caller: Caller) =>
		callCore(env, AccountUser, "POST", "/identity/me/logout-everywhere", caller),
	updateProfile: (env: Env, caller: Caller, patch: { name?: string; email?: string; currentPassword?: string }) =>
		callCore(env, AccountUser, "PATCH", "/identity/me", caller, { body: patch }),
	changePassword: (env: Env, caller: Caller, input: { currentPassword: string; newPassword: string }) =>
		callCore(env, AccountUser, "POST", "/identity/me/password", caller, { body: input }),
	requestPasswordReset: (env: Env, caller: Caller, input: { email: string }) =>
		callCore(env, PasswordResetAccepted, "POST", "/identity/password-reset", caller, { body: input }),
	confirmPasswordReset: (env: Env, caller: Caller, input: { token: string; newPassword: string }) =>
		callCore(env, AccountUser, "POST", "/identity/password-reset/confirm", caller, { body: input }),

	addresses: (env: Env, caller: Caller) => callCore(env, AddressList, "GET", "/identity/me/addresses", caller),
	address: (env: Env, caller: Caller, id: string) => callCore(env, Address, "GET", addressPath(id), caller),
	addAddress: (env: Env, caller: Caller, input: unknown) =>
		callCore(env, Address, "POST", "/identity/me/addresses", caller, { body: input }),
	updateAddress: (env: Env, caller: Caller, id: string, input: unknown) =>
		callCore(env, Address, "PATCH", addressPath(id), caller, { body: input }),
	deleteAddress: (env: Env, caller: Caller, id: string) => callCore(env, NoContent, "DELETE", addressPath(id), caller),

	/** The dev outbox; the core answers 404 when mail goes out over SMTP. */
	devMail: (env: Env, caller: Caller, query: { to?: string; limit?: number }) => {
		const params = new URLSearchParams();
		if (query.to) params.set("to", query.to);
		if (query.limit) params.set("limit", String(query.limit));
		const qs = params.toString();
		return callCore(env, MailList, "GET", `/identity/dev/mail${qs ? `?${qs}` : ""}`, caller);
	},
	devMailMessage: (env: Env, caller: Caller, id: string) =>
		callCore(env, MailMessage, "GET", `/identity/dev/mail/${encodeURIComponent(id)}`, caller),
};

/**
 * Where to go after signing in: a path on this site from `?next=`, or /account. Anything that
 * could leave the site (`//evil.example`, `/\evil.example`, `/.//evil.example`, `https://…`,
 * control characters, which browsers strip before resolving) is ignored rather than refused:
 * the sign-in still works.
 */
export function safeNextPath(next: string | undefined | null, fallback = "/account"): string {
	if (!next || next.length > 1000) return fallback;
	if (!next.startsWith("/") || next.startsWith("//")) return fallback;
	// Browsers read a backslash as a slash in a URL and drop tabs and newlines.
	for (let i = 0; i < next.length; i++) {
		const code = next.charCodeAt(i);
		if (code <= 0x20 || code === 0x7f || code === 0x5c) return fallback;
	}
	const base = "https://bazaar.invalid";
	let url: URL;
	try {
		url = new URL(next, base);
	} catch {
		return fallback;
	}
	if (url.origin !== base) return fallback;
	// Dot segments resolve away: `/.//evil.example` and `/a/..//evil.example` become
	// `//evil.example`, which a browser reads as another host. Check what is actually sent.
	if (url.pathname.startsWith("//")) return fallback;
	return `${url.pathname}${url.search}${url.hash}`;
}

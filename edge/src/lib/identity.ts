import { UserPublic } from "@bazaar/contracts/identity";
import type { Caller } from "@bazaar/signature";
import { callCore } from "./core-call";

// The edge's calls to the core's identity module.

export const AccountUser = UserPublic;
export type AccountUser = UserPublic;

export const identity = {
	register: (env: Env, caller: Caller, input: { email: string; password: string; name: string }) =>
		callCore(env, AccountUser, "POST", "/identity/register", caller, { body: input }),
	login: (env: Env, caller: Caller, input: { email: string; password: string }) =>
		callCore(env, AccountUser, "POST", "/identity/login", caller, { body: input }),
	me: (env: Env, caller: Caller) => callCore(env, AccountUser, "GET", "/identity/me", caller),
	logoutEverywhere: (env: Env, caller: Caller) =>
		callCore(env, AccountUser, "POST", "/identity/me/logout-everywhere", caller),
};

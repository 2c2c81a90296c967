import type { Caller } from "@bazaar/signature";
import { json } from "../../testing/harness";

// Signing up over HTTP as the storefront does it: POST /identity/register, then the link in the
// mail (read from the dev mailbox, open on a test core) confirms it.

type Call = (
	method: string,
	path: string,
	init?: { body?: unknown; caller?: Caller; headers?: Record<string, string> },
) => Promise<Response>;

/** Signs up and confirms; returns the new user's id and roles. */
export async function signUpByMail(
	call: Call,
	input: { email: string; password: string; name: string },
): Promise<{ id: string; roles: string[] }> {
	const res = await call("POST", "/identity/register", { body: input });
	if (res.status !== 202) throw new Error(`register: ${res.status} ${await res.text()}`);
	const list = await call("GET", `/identity/dev/mail?to=${encodeURIComponent(input.email)}&limit=1`);
	if (list.status !== 200) throw new Error(`dev mailbox: ${list.status} ${await list.text()}`);
	const [mail] = (await json<{ items: { text: string }[] }>(list)).items;
	const token = /\/account\/signup\/confirm\?token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? "")?.[1];
	if (!token) throw new Error(`no confirmation mail to ${input.email}`);
	const confirmed = await call("POST", "/identity/register/confirm", { body: { token } });
	if (confirmed.status !== 201) throw new Error(`confirm: ${confirmed.status} ${await confirmed.text()}`);
	return json<{ id: string; roles: string[] }>(confirmed);
}

import { env, exports } from "cloudflare:workers";
import { CoreClient } from "@bazaar/client";
import type { CatalogEvent } from "@bazaar/contracts";
import { MailList, type Role, UserPublic } from "@bazaar/contracts/identity";
import { sign } from "@bazaar/signature";
import { expect, inject } from "vitest";

export const ORIGIN = "https://shop.example";

/** A request through the Worker's real fetch handler (routing, middleware, bindings, waitUntil). */
export function edge(path: string, init?: RequestInit): Promise<Response> {
	return exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
}

export async function edgeJson<T = unknown>(path: string, init?: RequestInit): Promise<{ res: Response; body: T }> {
	const res = await edge(path, init);
	return { res, body: (await res.json()) as T };
}

/** A client for the real core the global setup started, signed with this run's secret. */
export function core(): CoreClient {
	return new CoreClient({ baseUrl: env.CORE_URL, secret: env.BAZAAR_SIGNING_SECRET });
}

/**
 * Signs up straight at the core (as another device or a tool would): register, then the link
 * mailed to the address, read from the test core's outbox. Answers the new account.
 */
export async function registerAtCore(input: { email: string; password: string; name: string }, ip: string) {
	const caller = { user: "", roles: [], ip };
	const res = await core().request("POST", "/identity/register", { caller, body: JSON.stringify(input) });
	if (res.status !== 202) throw new Error(`register: ${res.status} ${await res.text()}`);
	const mail = await core().json(MailList, "GET", `/identity/dev/mail?to=${encodeURIComponent(input.email)}&limit=1`);
	const token = /\/account\/signup\/confirm\?token=([A-Za-z0-9_-]+)/.exec(mail.items[0]?.text ?? "")?.[1];
	if (!token) throw new Error(`no sign-up link mailed to ${input.email}`);
	return core().json(UserPublic, "POST", "/identity/register/confirm", { token }, caller);
}

/**
 * Receives `quantity` units of `sku` at the core (defining it, tracked, first when `define`; 0 only defines): the
 * files of one run share a catalog, so a test that buys makes sure its units are there.
 */
export async function receiveStock(sku: string, quantity: number, { define = false } = {}): Promise<void> {
	const caller = { user: "usr_test_admin", roles: ["admin"] };
	const path = `/inventory/admin/skus/${encodeURIComponent(sku)}`;
	if (define) {
		const defined = await core().request("PUT", path, { caller, body: JSON.stringify({ policy: "tracked" }) });
		expect(defined.status, await defined.text()).toBeLessThan(300);
	}
	if (quantity === 0) return;
	const received = await core().request("POST", `${path}/receive`, {
		caller,
		body: JSON.stringify({ quantity, reason: "test stock" }),
	});
	expect(received.status, await received.text()).toBe(200);
}

/** The staff login the core was started with (global-setup.ts). */
export const ADMIN_LOGIN = { email: inject("adminEmail"), password: inject("adminPassword") };

/** Signs in through POST /api/session (as an API client does) and returns the bearer token. */
export async function signIn(
	login: { email: string; password: string } = ADMIN_LOGIN,
	headers: Record<string, string> = {},
): Promise<string> {
	const res = await edge("/api/session", {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body: JSON.stringify(login),
	});
	if (res.status !== 201) throw new Error(`sign-in as ${login.email} failed: ${res.status} ${await res.text()}`);
	return ((await res.json()) as { token: string }).token;
}

/** Headers for the admin API as the seeded admin, signed in afresh so no test leans on another's session. */
export async function adminHeaders(token?: string): Promise<Record<string, string>> {
	return { authorization: `Bearer ${token ?? (await signIn())}`, "content-type": "application/json" };
}

/** What the core's outbox relay sends after a write: a signed CatalogEventBatch. */
export async function pushCatalogEvents(
	events: Partial<CatalogEvent>[],
	opts: { secret?: string; roles?: string[]; tamper?: boolean } = {},
): Promise<Response> {
	const body = JSON.stringify({
		events: events.map((e, i) => ({
			id: `evt_${Date.now()}_${i}`,
			type: "catalog.variant.updated",
			occurredAt: new Date().toISOString(),
			version: 1,
			data: {},
			...e,
		})),
	});
	const json = { "content-type": "application/json" };
	const headers = await sign({
		secret: opts.secret ?? env.BAZAAR_SIGNING_SECRET,
		method: "POST",
		path: "/internal/catalog-events",
		body,
		headers: json,
		caller: { user: "core", roles: opts.roles ?? ["service"] },
	});
	return edge("/internal/catalog-events", {
		method: "POST",
		headers: { ...json, ...headers },
		body: opts.tamper ? body.replace('"version":', '"version":1') : body,
	});
}

/** Tells the edge about the core's current catalog version, as the core's push would. */
export async function syncVersion(): Promise<number> {
	const version = await core().catalogVersion();
	const res = await pushCatalogEvents([{ version }]);
	if (res.status !== 200) throw new Error(`event push failed: ${res.status} ${await res.text()}`);
	return version;
}

const STAFF_PASSWORD = "correct horse battery";
const rand = (n: number) => Math.floor(Math.random() * n);

/** A fresh account with `roles` (set through the admin API itself), signed in: its bearer token. */
export async function accountWithRoles(roles: Role[], adminToken: string, name = "Test Staff") {
	const email = `staff-${Date.now()}-${rand(1e9)}@example.com`;
	const ip = `10.${rand(255)}.${rand(255)}.${rand(254) + 1}`;
	const user = await registerAtCore({ email, password: STAFF_PASSWORD, name }, ip);
	if (roles.join() !== "customer") {
		const set = await edge(`/api/admin/identity/users/${user.id}/roles`, {
			method: "PUT",
			headers: await adminHeaders(adminToken),
			body: JSON.stringify({ roles }),
		});
		expect(set.status, await set.clone().text()).toBe(200);
		expect(UserPublic.parse(await set.json()).roles.sort()).toEqual([...roles].sort());
	}
	return { user, email, token: await signIn({ email, password: STAFF_PASSWORD }, { "cf-connecting-ip": ip }) };
}

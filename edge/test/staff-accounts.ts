import { type Role, UserPublic } from "@bazaar/contracts/identity";
import { expect } from "vitest";
import { adminHeaders, edge, registerAtCore, signIn } from "./helpers";

// Staff accounts for the admin API tests: made through the admin API itself, signed in through
// POST /api/session like any admin tool.

const PASSWORD = "correct horse battery";
const rand = (n: number) => Math.floor(Math.random() * n);
const ipFor = () => `10.${rand(255)}.${rand(255)}.${rand(254) + 1}`;

/** A fresh account with `roles`, made through the admin API itself; returns its bearer token. */
export async function account(roles: Role[], adminToken: string) {
	const email = `staff-${Date.now()}-${rand(1e9)}@example.com`;
	const ip = ipFor();
	const user = await registerAtCore({ email, password: PASSWORD, name: "Test Staff" }, ip);
	if (roles.join() !== "customer") {
		const set = await edge(`/api/admin/identity/users/${user.id}/roles`, {
			method: "PUT",
			headers: await adminHeaders(adminToken),
			body: JSON.stringify({ roles }),
		});
		expect(set.status, await set.clone().text()).toBe(200);
		expect(UserPublic.parse(await set.json()).roles.sort()).toEqual([...roles].sort());
	}
	return { user, email, token: await signIn({ email, password: PASSWORD }, { "cf-connecting-ip": ip }) };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": "application/json" });

import { ValidationError } from "../lib/errors";
import type { Identity } from "./context";
import { firstAdminId } from "./ensure-admin";

/**
 * Refuses a reserved address (ADMIN_EMAIL) to anyone but the first admin: a look-alike admin
 * account is a phishing tool, and a squatter must not be waiting there if the admin comes back.
 */
export async function assertNotReserved(identity: Identity, emailKey: string, userId: string | null): Promise<void> {
	if (!identity.reservedEmailKeys.has(emailKey)) return;
	if (userId !== null && userId === (await firstAdminId(identity))) return;
	throw new ValidationError("This email address is reserved. Choose another one.", [
		{ path: "email", message: "is reserved" },
	]);
}

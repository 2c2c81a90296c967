import { createHash } from "node:crypto";

// One spelling of "the same email address" for every module: identity keys its accounts on it,
// and a guest's orders are matched on its hash (a lookup, a claim at sign-up), so the bus and the
// order database never need to carry an address to compare.

/** The address as accounts are keyed: trimmed, lower case. */
export function normalizeEmail(email: string): string {
	return email.trim().toLowerCase();
}

/** SHA-256 (hex) of the normalised address. */
export function emailHash(email: string): string {
	return createHash("sha256").update(normalizeEmail(email)).digest("hex");
}

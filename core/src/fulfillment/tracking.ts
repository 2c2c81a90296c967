import { ulid } from "@bazaar/ids";

/** A tracking number of the built-in carrier: "BZ" and 16 random base32 characters (80 bits). */
export function builtinTrackingNumber(): string {
	return `BZ${ulid().slice(10)}`;
}

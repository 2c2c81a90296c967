import { normalizeEmail } from "../lib/email-key";
import { ValidationError } from "../lib/errors";

// argon2id through Bun's native implementation. The default cost is OWASP's minimum for
// argon2id (19 MiB, 2 passes): on these 2-core machines ~60 ms, so a login burst cannot starve
// the core; tests lower it (the hash format, and so the algorithm, stays the same).

export interface PasswordCost {
	/** KiB of memory. */
	memoryCost: number;
	timeCost: number;
}

export const DEFAULT_PASSWORD_COST: PasswordCost = { memoryCost: 19_456, timeCost: 2 };

export class PasswordHasher {
	private dummy: Promise<string> | null = null;

	constructor(readonly cost: PasswordCost = DEFAULT_PASSWORD_COST) {}

	hash(password: string): Promise<string> {
		return Bun.password.hash(password, { algorithm: "argon2id", ...this.cost });
	}

	async verify(password: string, hash: string): Promise<boolean> {
		try {
			return await Bun.password.verify(password, hash, "argon2id");
		} catch {
			// A corrupt stored hash must fail closed like a wrong password, not throw a 500.
			return false;
		}
	}

	/**
	 * Burns the same time as a real check for an email without an account, so the answer time
	 * does not tell which emails are registered.
	 */
	async verifyDummy(password: string): Promise<false> {
		this.dummy ??= this.hash(crypto.randomUUID());
		await this.verify(password, await this.dummy);
		return false;
	}
}

export { normalizeEmail };

/** The policy beyond length (which the contracts check): a password is not the email. */
export function assertPasswordPolicy(password: string, email: string, path = "password"): void {
	const p = password.trim().toLowerCase();
	const e = normalizeEmail(email);
	const local = e.split("@")[0] ?? "";
	if (p === e || (local.length >= 4 && p === local)) {
		throw new ValidationError("The password is not acceptable.", [{ path, message: "must not be your email address" }]);
	}
}

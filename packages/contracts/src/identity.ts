import { z } from "zod";
import { listPage, listQuery } from "./list";
export const ROLES = ["customer", "admin", "catalog_manager", "support_agent", "moderator"] as const;

// Requests and responses of the identity module.
// Inputs are strict objects: a field the API does not take (e.g. `roles` on sign-up) is an
// error, never silently dropped.

export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const UserId = z
	.string()
	.max(40)
	.regex(/^usr_[0-9A-Z]{26}$/, "a user id such as usr_01H…");
export const AddressId = z
	.string()
	.max(40)
	.regex(/^adr_[0-9A-Z]{26}$/, "an address id such as adr_01H…");

export const Email = z.string().trim().max(254).pipe(z.email("a valid email address"));
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;
/** A new password. The rule that it is not the email is checked by the verbs (it needs the email). */
export const NewPassword = z
	.string()
	.min(PASSWORD_MIN, `at least ${PASSWORD_MIN} characters`)
	.max(PASSWORD_MAX, `at most ${PASSWORD_MAX} characters`);
/** A password offered to be checked: no policy (it may predate the current one), only a bound. */
export const GivenPassword = z.string().min(1).max(PASSWORD_MAX);
export const PersonName = z.string().trim().min(1).max(100);

/**
 * A path on the storefront (`/checkout`): where the confirmation link leads after signing up.
 * Never another host (`//x`, `/\\x`), never whitespace or control characters.
 */
export const SitePath = z
	.string()
	.max(1000)
	// Printable characters only (no whitespace, no control characters), and no backslash.
	.regex(/^\/(?![/\\])[!-[\]-~\u00a0-\uffff]*$/, "a path on this site");

export const RegisterInput = z.strictObject({
	email: Email,
	password: NewPassword,
	name: PersonName,
	/** Carried in the confirmation link, for the storefront to continue there. */
	next: SitePath.optional(),
});
export type RegisterInput = z.infer<typeof RegisterInput>;

/**
 * The one answer to a sign-up, whether or not the address has an account: the confirmation link
 * (or, for an existing account, a notice to its owner) goes out by mail.
 */
export const SignupAccepted = z.object({ accepted: z.literal(true) });

export const SignupToken = z
	.string()
	.min(20)
	.max(100)
	.regex(/^[A-Za-z0-9_-]+$/, "a sign-up token");
export const SignupConfirm = z.strictObject({ token: SignupToken });
export type SignupConfirm = z.infer<typeof SignupConfirm>;

export const LoginInput = z.strictObject({ email: Email, password: GivenPassword });
export type LoginInput = z.infer<typeof LoginInput>;

/** What anyone may see of a user: never the hash, never a token. */
export const UserPublic = z.object({
	id: UserId,
	email: z.string(),
	name: z.string(),
	roles: z.array(Role),
	sessionGeneration: z.number().int(),
	createdAt: z.string(),
	updatedAt: z.string(),
});
export type UserPublic = z.infer<typeof UserPublic>;

/** A changed profile or password; `token`: a new bearer token when the change ended the session it was made in. */
export const AccountUpdated = z.object({ user: UserPublic, token: z.string().nullable() });
export type AccountUpdated = z.infer<typeof AccountUpdated>;

export const ProfilePatch = z
	.strictObject({
		name: PersonName.optional(),
		email: Email.optional(),
		/** Needed to change the email (it is the login and where reset links go). */
		currentPassword: GivenPassword.optional(),
	})
	.refine((p) => p.name !== undefined || p.email !== undefined, "send a name or an email to change");
export type ProfilePatch = z.infer<typeof ProfilePatch>;

export const ChangePasswordInput = z.strictObject({ currentPassword: GivenPassword, newPassword: NewPassword });
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>;

export const PasswordResetRequest = z.strictObject({ email: Email });
export type PasswordResetRequest = z.infer<typeof PasswordResetRequest>;

export const ResetToken = z
	.string()
	.min(20)
	.max(100)
	.regex(/^[A-Za-z0-9_-]+$/, "a reset token");
export const PasswordResetConfirm = z.strictObject({ token: ResetToken, newPassword: NewPassword });
export type PasswordResetConfirm = z.infer<typeof PasswordResetConfirm>;

/** The one answer to a reset request, whether or not the email has an account. */
export const PasswordResetAccepted = z.object({ accepted: z.literal(true) });

/** The SHA-256 (hex) of an edge session id: what the core knows a session by (never the id itself). */
export const SessionHash = z.string().regex(/^[0-9a-f]{64}$/, "a session hash");
export const SessionRevoke = z.strictObject({ session: SessionHash });
export type SessionRevoke = z.infer<typeof SessionRevoke>;

export const SessionCheck = z.object({
	valid: z.boolean(),
	/** The user's roles now (a role change takes effect on the next check). */
	roles: z.array(Role),
	sessionGeneration: z.number().int(),
});
export type SessionCheck = z.infer<typeof SessionCheck>;

const NOT_COUNTRIES = new Set(["EU", "EZ", "UN", "UK", "QO"]);
const regionNames = new Intl.DisplayNames(["en"], { type: "region" });
/** ISO 3166-1 alpha-2, upper-cased ("de" → "DE"); ICU knows which codes are assigned. */
export const CountryCode = z
	.string()
	.trim()
	.toUpperCase()
	.regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 country code")
	.refine((code) => {
		// zod runs this even when the regex failed, and ICU throws on a non-region string.
		if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) return false;
		const name = regionNames.of(code);
		return !!name && name !== code && name !== "Unknown Region";
	}, "not an assigned ISO 3166-1 country code");

const line = (max: number) => z.string().trim().min(1).max(max);
const optionalLine = (max: number) =>
	z
		.string()
		.trim()
		.max(max)
		.transform((s) => (s === "" ? null : s))
		.nullable()
		.optional();

const addressFields = {
	label: optionalLine(40),
	recipient: line(100),
	line1: line(200),
	line2: optionalLine(200),
	city: line(100),
	region: optionalLine(100),
	postalCode: z
		.string()
		.trim()
		.max(20)
		.regex(/^[A-Za-z0-9 -]*$/, "letters, digits, spaces and dashes")
		.transform((s) => (s === "" ? null : s.toUpperCase()))
		.nullable()
		.optional(),
	country: CountryCode,
	phone: z
		.string()
		.trim()
		.max(30)
		.regex(/^\+?[0-9 ().-]*$/, "a phone number")
		.transform((s) => (s === "" ? null : s))
		.nullable()
		.optional(),
	defaultShipping: z.boolean().optional(),
	defaultBilling: z.boolean().optional(),
};
export const AddressInput = z.strictObject(addressFields);
export type AddressInput = z.infer<typeof AddressInput>;
export const AddressPatch = z
	.strictObject(addressFields)
	.partial()
	.refine((p) => Object.keys(p).length > 0, "send at least one field to change");
export type AddressPatch = z.infer<typeof AddressPatch>;

export const Address = z.object({
	id: AddressId,
	label: z.string().nullable(),
	recipient: z.string(),
	line1: z.string(),
	line2: z.string().nullable(),
	city: z.string(),
	region: z.string().nullable(),
	postalCode: z.string().nullable(),
	country: z.string(),
	phone: z.string().nullable(),
	defaultShipping: z.boolean(),
	defaultBilling: z.boolean(),
	createdAt: z.string(),
	updatedAt: z.string(),
});
export type Address = z.infer<typeof Address>;
export const AddressList = z.object({ items: z.array(Address) });
export type AddressList = z.infer<typeof AddressList>;

/** Staff: accounts newest first, by a part of the email or name, or by a role. */
export const UserListQuery = listQuery({
	/** The start of the email (case-insensitive) or any part of the name. */
	q: z.string().trim().min(1).max(254).optional(),
	role: Role.optional(),
});
export type UserListQuery = z.infer<typeof UserListQuery>;
export const UserList = listPage(UserPublic);
export type UserList = z.infer<typeof UserList>;

export const SetRolesInput = z.strictObject({
	roles: z
		.array(Role)
		.min(1)
		.max(ROLES.length)
		.refine((r) => new Set(r).size === r.length, "each role once"),
});
export type SetRolesInput = z.infer<typeof SetRolesInput>;

export const MailMessage = z.object({
	id: z.string(),
	to: z.string(),
	subject: z.string(),
	text: z.string(),
	html: z.string().nullable(),
	createdAt: z.string(),
	sentAt: z.string().nullable(),
});
export type MailMessage = z.infer<typeof MailMessage>;
export const MailList = z.object({ items: z.array(MailMessage) });

// ---- the edge's API sign-in (POST/GET /api/session) ------------------------------------------------

/** The user as the API shows them: no session generation or timestamps. */
export const ApiSessionUser = UserPublic.pick({ id: true, name: true, email: true, roles: true });
/** GET /api/session: who the credential belongs to, and until when it works. */
export const ApiSessionInfo = z.object({ expiresAt: z.iso.datetime(), user: ApiSessionUser });
export type ApiSessionInfo = z.infer<typeof ApiSessionInfo>;
/** POST /api/session → 201. `token` is the session id: treat it like a password. */
export const ApiSession = ApiSessionInfo.extend({ token: z.string() });
export type ApiSession = z.infer<typeof ApiSession>;

/**
 * `identity.account_created`: an account now exists for a confirmed (verified) address. The
 * address itself stays in identity's database; its SHA-256 (normalised) is what guest orders
 * are claimed by.
 */
export const ACCOUNT_CREATED = "identity.account_created";
export const AccountCreated = z.object({ userId: z.string().min(1), emailHash: z.string().regex(/^[0-9a-f]{64}$/) });
export type AccountCreated = z.infer<typeof AccountCreated>;

import { problem, problemResponse } from "@bazaar/contracts";
import { identityAdmin } from "@bazaar/contracts/admin-routes";
import {
	AddressId,
	AddressInput,
	AddressPatch,
	ChangePasswordInput,
	LoginInput,
	PasswordResetConfirm,
	PasswordResetRequest,
	ProfilePatch,
	RegisterInput,
	SessionHash,
	SessionRevoke,
	SignupConfirm,
	UserId,
} from "@bazaar/contracts/identity";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { z } from "zod";
import { adminRouter } from "../lib/admin-router";
import { NotFoundError, ServiceError } from "../lib/errors";
import { type AppEnv, jsonResponse, readJson, requireReadWriteRoles, requireRole } from "../lib/http";
import type { IdentityModule } from "./module";

// A thin adapter under /identity: validate, call one verb, send the result. The caller is the
// signed one the edge sent (`c.get("caller")`): public routes take an anonymous caller, /me
// routes need a signed-in user; staff routes are identityAdminRoutes, under /identity/admin.

const IP = /^[0-9A-Fa-f:.]{2,45}$/;

/** The edge's question on every request with a session: is this one, made at this generation, still good? */
const SessionQuery = z.strictObject({
	generation: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
	session: SessionHash,
});

class NotSignedInError extends ServiceError {
	constructor() {
		super(401, "This needs a signed-in user.");
	}
}

const userId = (raw: string) => {
	if (!UserId.safeParse(raw).success) throw new NotFoundError("The user");
	return raw;
};

/**
 * Accounts for staff (mount under /identity/admin): each route is its definition in
 * packages/contracts/src/admin-routes/identity.ts.
 */
export function identityAdminRoutes(mod: IdentityModule): OpenAPIHono<AppEnv> {
	const admin = adminRouter();
	// Support agents look customers up; only admins change an account's roles.
	admin.use("*", requireReadWriteRoles({ read: ["support_agent"], write: ["admin"] }));
	admin.openapi(identityAdmin.listUsers, async (c) => jsonResponse(await mod.listUsers(c.req.valid("query"))));
	admin.openapi(identityAdmin.getUser, async (c) =>
		jsonResponse(await mod.getProfile(userId(c.req.valid("param").id))),
	);
	admin.openapi(identityAdmin.setUserRoles, async (c) =>
		jsonResponse(await mod.setRoles(userId(c.req.valid("param").id), c.req.valid("json"))),
	);
	// Staff look a customer's addresses up, and end every session of an account (a stolen laptop).
	admin.openapi(identityAdmin.listUserAddresses, async (c) =>
		jsonResponse(await mod.listAddresses(userId(c.req.valid("param").id))),
	);
	admin.openapi(identityAdmin.logoutUserEverywhere, async (c) =>
		jsonResponse(await mod.logoutEverywhere(userId(c.req.valid("param").id))),
	);
	return admin;
}

export function identityRoutes(mod: IdentityModule): Hono<AppEnv> {
	const app = new Hono<AppEnv>();

	const me = (c: { get(key: "caller"): { user: string } }) => {
		const user = c.get("caller").user;
		if (!user || !UserId.safeParse(user).success) throw new NotSignedInError();
		return user;
	};
	const addressId = (raw: string) => {
		if (!AddressId.safeParse(raw).success) throw new NotFoundError("The address");
		return raw;
	};

	// ---- public (the edge calls these for anonymous shoppers) ------------------------------
	// The edge signs the client IP with the rest of the caller, so it cannot be spoofed here.
	const ipOf = (c: { get(key: "caller"): { ip?: string } }) => {
		const ip = c.get("caller").ip;
		return ip && IP.test(ip) ? ip : null;
	};
	app.post("/register", async (c) =>
		jsonResponse(await mod.register(readJson(c, RegisterInput), { ip: ipOf(c) }), 202),
	);
	app.post("/register/confirm", async (c) => jsonResponse(await mod.confirmSignup(readJson(c, SignupConfirm)), 201));
	app.post("/login", async (c) => jsonResponse(await mod.login(readJson(c, LoginInput), { ip: ipOf(c) })));
	app.post("/password-reset", async (c) =>
		jsonResponse(await mod.requestPasswordReset(readJson(c, PasswordResetRequest)), 202),
	);
	app.post("/password-reset/confirm", async (c) =>
		jsonResponse(await mod.confirmPasswordReset(readJson(c, PasswordResetConfirm))),
	);

	// ---- the signed-in user ------------------------------------------------------------------
	app.get("/me", async (c) => jsonResponse(await mod.getProfile(me(c))));
	app.patch("/me", async (c) => jsonResponse(await mod.updateProfile(me(c), readJson(c, ProfilePatch))));
	app.post("/me/password", async (c) =>
		jsonResponse(await mod.changePassword(me(c), readJson(c, ChangePasswordInput))),
	);
	app.post("/me/logout-everywhere", async (c) => jsonResponse(await mod.logoutEverywhere(me(c))));
	app.get("/me/session", async (c) => {
		const { generation, session } = SessionQuery.parse(c.req.query());
		return jsonResponse(await mod.checkSession(me(c), generation, session));
	});
	app.post("/me/sessions/revoke", async (c) => {
		await mod.revokeSession(me(c), readJson(c, SessionRevoke).session);
		return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
	});
	app.get("/me/addresses", async (c) => jsonResponse(await mod.listAddresses(me(c))));
	app.post("/me/addresses", async (c) => jsonResponse(await mod.addAddress(me(c), readJson(c, AddressInput)), 201));
	app.get("/me/addresses/:id", async (c) => jsonResponse(await mod.getAddress(me(c), addressId(c.req.param("id")))));
	app.patch("/me/addresses/:id", async (c) => {
		const user = me(c);
		const id = addressId(c.req.param("id"));
		return jsonResponse(await mod.updateAddress(user, id, readJson(c, AddressPatch)));
	});
	app.delete("/me/addresses/:id", async (c) => {
		await mod.deleteAddress(me(c), addressId(c.req.param("id")));
		return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
	});

	// ---- the dev mailbox (only while no real transport is configured) ------------------------
	// It holds live reset links: outside a local stack (BAZAAR_ENV=production) only admins read it.
	const dev = new Hono<AppEnv>();
	dev.use("*", async (c, next) => {
		if (mod.identity.mail.transport.kind !== "outbox") {
			return problemResponse(problem(404, "The dev mailbox is off: mail goes out over SMTP."));
		}
		if (mod.identity.devMailbox === "admin") return requireRole("admin")(c, next);
		await next();
	});
	const MailQuery = z.strictObject({
		to: z.string().trim().max(254).optional(),
		limit: z.coerce.number().int().min(1).max(200).default(50),
	});
	dev.get("/mail", async (c) => jsonResponse(await mod.listMail(MailQuery.parse(c.req.query()))));
	dev.get("/mail/:id", async (c) => {
		const id = c.req.param("id");
		if (!/^mail_[0-9A-Z]{26}$/.test(id)) throw new NotFoundError("The message");
		return jsonResponse(await mod.getMail(id));
	});
	app.route("/dev", dev);

	return app;
}

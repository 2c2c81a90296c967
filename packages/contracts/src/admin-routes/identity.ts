import { createRoute } from "@hono/zod-openapi";
import { AddressList, SetRolesInput, UserList, UserListQuery, UserPublic } from "../identity";
import { answer, body, idParams, problem } from "./kit";

// The identity area (core /identity/admin/*, edge /api/admin/identity/*): accounts, their roles
// and addresses, and ending every session of an account. Support agents look customers up; only
// admins change anything.

const READERS = "Role: admin or support_agent (read-only).";
const WRITERS = "Role: admin.";
const id = idParams("id");
const noSuchUser = problem("No such account.");

export const listUsers = createRoute({
	method: "get",
	path: "/users",
	summary: "List accounts",
	description: `${READERS} Newest first; \`q\` is the start of the email (any case) or a part of the name, \`role\` only accounts holding it.`,
	request: { query: UserListQuery },
	responses: {
		200: answer(UserList, "A page of accounts."),
		400: problem("A malformed filter, a limit over 100, or a cursor this list did not give out."),
	},
});

export const getUser = createRoute({
	method: "get",
	path: "/users/{id}",
	summary: "Get an account",
	description: READERS,
	request: { params: id },
	responses: { 200: answer(UserPublic, "The account."), 404: noSuchUser },
});

export const setUserRoles = createRoute({
	method: "put",
	path: "/users/{id}/roles",
	summary: "Set an account's roles",
	description: `${WRITERS} Takes effect on the account's next request; the last admin cannot be demoted (409).`,
	request: { params: id, body: body(SetRolesInput, { roles: ["customer", "support_agent"] }) },
	responses: {
		200: answer(UserPublic, "The account with its new roles."),
		400: problem("The body is not valid (an unknown role, a role twice, none)."),
		404: noSuchUser,
		409: problem("This is the last admin: make someone else admin first."),
	},
});

export const listUserAddresses = createRoute({
	method: "get",
	path: "/users/{id}/addresses",
	summary: "An account's addresses",
	description: READERS,
	request: { params: id },
	responses: {
		200: answer(AddressList, "The account's address book (none, or an account that does not exist: an empty list)."),
		404: problem("Not an account id."),
	},
});

export const logoutUserEverywhere = createRoute({
	method: "post",
	path: "/users/{id}/logout-everywhere",
	summary: "End every session of an account",
	description: `${WRITERS} Every session it holds (a stolen laptop's too) ends on its next request. No body.`,
	request: { params: id },
	responses: { 200: answer(UserPublic, "The account; its sessions are over."), 404: noSuchUser },
});

export const IDENTITY_ADMIN_ROUTES = [listUsers, getUser, setUserRoles, listUserAddresses, logoutUserEverywhere];

import { bodyOf, type Json, json, problem } from "./parts";

// POST/GET/DELETE /api/session: how API clients (and the admin tools) sign in.

const sessionSecurity = [{ sessionBearer: [] }, { sessionCookie: [] }];

export function sessionPaths(): Record<string, Json> {
	return {
		"/api/session": {
			post: {
				tags: ["session"],
				operationId: "signIn",
				summary: "Sign in",
				description:
					"The same login as the storefront's form. Rate limits: per account and client address, and per address (429 with `Retry-After`); an account under a guessing attack slows down addresses it was never signed in from, never the ones it was. Answers a token to send as `Authorization: Bearer <token>`; no cookie is set. A wrong password and an unknown email get the same 401.",
				requestBody: bodyOf("LoginInput"),
				responses: {
					"201": json("ApiSession", "Signed in."),
					"400": problem("The body is not JSON or not `{email, password}`."),
					"401": problem("The email address or the password is not correct."),
					"403": problem("Sent from another site's page."),
					"413": problem("The body is larger than 16 KB."),
					"415": problem("The body is not `application/json`."),
					"429": problem("Too many attempts; `Retry-After` says when to try again."),
				},
			},
			get: {
				tags: ["session"],
				operationId: "currentSession",
				summary: "The current session",
				security: sessionSecurity,
				responses: {
					"200": json("ApiSessionInfo", "Who is signed in, and until when."),
					"401": problem("No session, or it has ended (signed out, expired, logged out everywhere)."),
				},
			},
			delete: {
				tags: ["session"],
				operationId: "signOut",
				summary: "Sign out",
				description: "Ends this session only. With the cookie it needs a same-site request with a JSON content type.",
				security: sessionSecurity,
				responses: {
					"204": { description: "Signed out; the token no longer works." },
					"401": problem("No session."),
					"403": problem("Cookie session, sent from another site."),
					"415": problem("Cookie session, without `content-type: application/json`."),
				},
			},
		},
	};
}

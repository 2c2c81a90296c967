import { admitSupportMember, isSupportParty } from "@bazaar/realtime";
import { Hono } from "hono";
import { routePartykitRequest } from "partyserver";
import type { AppEnv } from "../env";
import { sameOrigin } from "../lib/forms";
import { apiProblem } from "../lib/problems";

// /parties/<party>/<room> → the partyserver Durable Object bound as <Party> (EchoRoom → echo-room).
// Support rooms admit a WebSocket only from this shop's own pages (Origin, or Sec-Fetch-Site when
// a browser sends no Origin) and only with a join ticket (realtime/src/support/gate.ts); anything
// but a WebSocket upgrade is refused there too.

/** partyserver's naming rule for parties (kebab-case of the binding name). */
function kebab(name: string): string {
	if (name === name.toUpperCase() && name !== name.toLowerCase()) return name.toLowerCase().replace(/_/g, "-");
	const out = name.replace(/[A-Z]/g, (l) => `-${l.toLowerCase()}`).replace(/^-/, "");
	return out.replace(/_/g, "-").replace(/-$/, "");
}

let parties_: Set<string> | undefined;
function knownParties(env: Env): Set<string> {
	parties_ ??= new Set(
		Object.entries(env)
			.filter(([, v]) => typeof v === "object" && v !== null && "idFromName" in v)
			.map(([k]) => kebab(k)),
	);
	return parties_;
}

export const parties = new Hono<AppEnv>().all("/parties/:party/*", async (c) => {
	const party = c.req.param("party");
	// partyserver answers an unknown party with a bare 400; it is a missing resource, so 404.
	if (!knownParties(c.env).has(party)) return apiProblem(404, "There is no such party.");
	const guarded = isSupportParty(party);
	const res = await routePartykitRequest(c.req.raw, c.env, {
		onBeforeConnect: guarded
			? (request, lobby) =>
					sameOrigin(c, { required: true })
						? admitSupportMember(request, lobby, c.env)
						: apiProblem(403, "Support chat connects only from this shop's own pages.")
			: undefined,
		onBeforeRequest: guarded
			? () =>
					apiProblem(
						426,
						"Connect to a support room with a WebSocket.",
						{ title: "Upgrade Required" },
						{
							upgrade: "websocket",
						},
					)
			: undefined,
	});
	return res ?? apiProblem(404, "There is no such party or room.");
});

import { Hono } from "hono";
import { routePartykitRequest } from "partyserver";
import type { AppEnv } from "../env";
import { apiProblem } from "../lib/problems";

// /parties/<party>/<room> → the partyserver Durable Object bound as <Party> (EchoRoom → echo-room).

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
	// partyserver answers an unknown party with a bare 400; it is a missing resource, so 404.
	if (!knownParties(c.env).has(c.req.param("party"))) return apiProblem(404, "There is no such party.");
	const res = await routePartykitRequest(c.req.raw, c.env);
	return res ?? apiProblem(404, "There is no such party or room.");
});

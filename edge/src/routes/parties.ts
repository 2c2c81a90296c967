import { Hono } from "hono";
import { routePartykitRequest } from "partyserver";
import type { AppEnv } from "../env";
import { apiProblem } from "../lib/problems";

// /parties/<party>/<room> → the partyserver Durable Object bound as <Party> (EchoRoom → echo-room).
export const parties = new Hono<AppEnv>().all("/parties/*", async (c) => {
	const res = await routePartykitRequest(c.req.raw, c.env);
	return res ?? apiProblem(404, "There is no such party or room.");
});

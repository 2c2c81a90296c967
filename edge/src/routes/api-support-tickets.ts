import { Hono } from "hono";
import type { AppEnv } from "../env";
import { forwardAsCaller } from "../lib/core-forward";
import { apiWriteGuard } from "../middleware/api-write";
import { bufferBody } from "../middleware/body";
import { loadSession } from "../session/middleware";

// A message left for the support team when no agent is online (the chat widget's form, or any
// client): a signed-in shopper's goes with their account, a guest's needs an email. The core's
// support module validates it, rate limits it per sender and address, and staff answer it by
// mail. Same-site JSON only, like every API write (apiWriteGuard).

const MAX_BODY = 16 * 1024;

export const apiSupportTickets = new Hono<AppEnv>()
	.use("*", loadSession, apiWriteGuard, bufferBody(MAX_BODY))
	.post("/", (c) => forwardAsCaller(c, "POST", "/support/tickets"));

import { Hono } from "hono";
import type { AppEnv } from "../env";

// No I/O and pre-serialised: it is also the benchmark's floor for "our code on this runtime".
const BODY = new TextEncoder().encode('{"ok":true,"service":"edge"}');
const HEADERS = { "content-type": "application/json", "cache-control": "no-store" };

export const health = new Hono<AppEnv>().get("/healthz", () => new Response(BODY, { headers: HEADERS }));

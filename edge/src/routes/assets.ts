import { Hono } from "hono";
import type { AppEnv } from "../env";

// Static script(s) served by the edge (owner: cart work).
export const assets = new Hono<AppEnv>();

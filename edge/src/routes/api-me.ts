import { Hono } from "hono";
import type { AppEnv } from "../env";

// The header's personal bits as JSON (owner: cart work).
export const apiMe = new Hono<AppEnv>();

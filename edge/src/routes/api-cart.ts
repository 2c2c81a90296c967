import { Hono } from "hono";
import type { AppEnv } from "../env";

// JSON cart API (owner: cart work).
export const apiCart = new Hono<AppEnv>();

import { Hono } from "hono";
import type { AppEnv } from "../env";

// Cart pages (owner: cart work).
export const cart = new Hono<AppEnv>();

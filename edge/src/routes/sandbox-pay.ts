import { Hono } from "hono";
import type { AppEnv } from "../env";

// Proxy to the core's sandbox hosted payment page (owner: checkout work).
export const sandboxPay = new Hono<AppEnv>();

import { Hono } from "hono";
import type { AppEnv } from "../env";

// JSON orders API (owner: account work).
export const apiOrders = new Hono<AppEnv>();

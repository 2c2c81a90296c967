import { Hono } from "hono";
import type { AppEnv } from "../env";

// JSON checkout API (owner: checkout work).
export const apiCheckout = new Hono<AppEnv>();

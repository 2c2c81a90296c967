import { Hono } from "hono";
import type { AppEnv } from "../env";

// Checkout pages (owner: checkout work).
export const checkout = new Hono<AppEnv>();

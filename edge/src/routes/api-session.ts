import { Hono } from "hono";
import type { AppEnv } from "../env";

// JSON sign-in for API clients (owner: account work).
export const apiSession = new Hono<AppEnv>();

import { Hono } from "hono";
import type { AppEnv } from "../env";

// The dev mailbox page (owner: account work).
export const devMail = new Hono<AppEnv>();

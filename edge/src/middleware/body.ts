import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppContext, AppEnv } from "../env";
import { readBodyLimited } from "../lib/bytes";
import { errorPage } from "../lib/personal-page";
import { apiProblem } from "../lib/problems";

/** Reads the body once, refusing more than `limit` bytes with 413 before anyone parses it. */
export const bufferBody = (limit: number) =>
	createMiddleware<AppEnv>(async (c, next) => {
		const body = await readBodyLimited(c.req.raw, limit);
		if (body === null) return apiProblem(413, `The body is larger than ${limit} bytes.`);
		c.set("body", body);
		// Hono's own readers (c.req.json(), the route validators) read these bytes, not the spent stream.
		c.req.bodyCache.arrayBuffer = Promise.resolve(body.buffer) as never; // the cache holds promises
		await next();
	});

/**
 * A JSON body that may be left out: a whitespace-only body (a browser's bodiless write still
 * declares JSON, for the CSRF rule) reads as `{}`. After `bufferBody`.
 */
export const optionalJsonBody = createMiddleware<AppEnv>(async (c, next) => {
	if (new TextDecoder().decode(c.get("body")).trim() === "") c.req.bodyCache.json = Promise.resolve({}) as never;
	await next();
});

/** An HTML form's size cap: a larger one gets the 413 error page before anything reads it. */
export const formBodyLimit = (maxSize: number) =>
	bodyLimit({ maxSize, onError: (c) => errorPage(c as AppContext, 413, "That form is too large.") });

/** A small JSON API's size cap (streamed, not buffered): a larger body is a 413 problem. */
export const apiBodyLimit = (maxSize: number) =>
	bodyLimit({ maxSize, onError: () => apiProblem(413, "The request body is too large.") });

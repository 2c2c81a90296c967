import { Hono } from "hono";
import type { AppEnv } from "../env";
import { anonymousCaller } from "../lib/core-call";
import { delivery, isDownloadToken } from "../lib/delivery";
import { coreTrouble, errorPage, personalPage } from "../lib/personal-page";
import { DownloadPage } from "../views/download-page";

// /downloads/<token>: a paid order's file. The token is the capability (the core signed it and
// checks it: genuine, not expired, not revoked, downloads left), so no session is needed — a
// guest opens it from the mail. GET only shows a button: mail scanners and link previews fetch
// links, and must not use up the shopper's downloads. POST counts one download at the core
// (atomically) and streams the file from the private bucket; no cross-site form can do more than
// make the holder of a link download their own file.

export const downloads = new Hono<AppEnv>();

const GONE = "This download link no longer works";

downloads.get("/:token", async (c) => {
	if (!isDownloadToken(c.req.param("token"))) return errorPage(c, 404, "There is no such download.");
	return personalPage(c, 200, <DownloadPage action={`/downloads/${c.req.param("token")}`} />);
});

downloads.post("/:token", async (c) => {
	const token = c.req.param("token");
	if (!isDownloadToken(token)) return errorPage(c, 404, "There is no such download.");
	const redeemed = await delivery.redeem(c.env, anonymousCaller(c.req.raw), token);
	if (!redeemed.ok) {
		if (redeemed.status === 404) return errorPage(c, 404, "There is no such download.");
		if (redeemed.status === 410) return errorPage(c, 410, `${GONE}: ${redeemed.problem.detail ?? "it has expired"}`);
		return coreTrouble(c, redeemed.status);
	}
	const file = redeemed.value;
	const object = await c.env.DOWNLOADS.get(file.objectKey);
	if (!object)
		return errorPage(c, 503, "This file is not available right now; the shop has been told. Try again later.");
	return new Response(object.body, {
		headers: {
			"content-type": file.contentType,
			"content-length": String(object.size),
			"content-disposition": `attachment; filename="${file.fileName}"`,
			"cache-control": "private, no-store",
			"x-content-type-options": "nosniff",
			"x-downloads-left": String(file.downloadsLeft),
		},
	});
});

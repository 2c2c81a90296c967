// Connection URLs carry credentials (`redis://user:password@host`, `libsql://db?authToken=…`).
// Logs show where a URL points, never what unlocks it.

/** The URL without its user, password and query; something unparsable is not shown at all. */
export function redactUrl(url: string): string {
	if (!URL.canParse(url)) return "<unparsable URL>";
	const u = new URL(url);
	const credentials = u.username !== "" || u.password !== "";
	u.username = "";
	u.password = "";
	const query = u.search !== "";
	u.search = "";
	u.hash = "";
	const note = [credentials ? "credentials" : "", query ? "query" : ""].filter(Boolean).join(" and ");
	return note ? `${u.toString()} (${note} hidden)` : u.toString();
}

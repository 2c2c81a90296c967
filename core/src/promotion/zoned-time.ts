// Wall-clock times in an IANA time zone → UTC instants, with the runtime's own time-zone data
// (Intl), so "2026-11-11T00:00 in Asia/Shanghai" is the instant the shop's customers there see
// midnight, summer time included. A wall time that does not exist (the hour skipped when clocks
// go forward) moves forward by the gap, as calendars do; an ambiguous one (the hour repeated when
// they go back) takes the earlier instant.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
	let f = formatters.get(timeZone);
	if (!f) {
		f = new Intl.DateTimeFormat("en-US", {
			timeZone,
			hourCycle: "h23",
			year: "numeric",
			month: "2-digit",
			day: "2-digit",
			hour: "2-digit",
			minute: "2-digit",
			second: "2-digit",
		});
		formatters.set(timeZone, f);
	}
	return f;
}

/** How far `timeZone` is ahead of UTC at the instant `ms`, in ms. */
export function zoneOffsetMs(timeZone: string, ms: number): number {
	const parts = Object.fromEntries(
		formatter(timeZone)
			.formatToParts(new Date(ms))
			.map((p) => [p.type, p.value]),
	);
	const asUtc = Date.UTC(
		Number(parts.year),
		Number(parts.month) - 1,
		Number(parts.day),
		Number(parts.hour),
		Number(parts.minute),
		Number(parts.second),
	);
	return asUtc - Math.floor(ms / 1000) * 1000;
}

/** "2026-11-11T00:00[:ss]" in `timeZone` → the UTC instant, ms since the epoch. */
export function zonedToUtcMs(local: string, timeZone: string): number {
	const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
	if (!m) throw new RangeError(`not a local date-time: ${local}`);
	const [, y, mo, d, h, mi, s] = m;
	const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
	// Two passes: the offset at the first guess can differ from the offset at the answer (DST).
	const first = wall - zoneOffsetMs(timeZone, wall);
	const second = wall - zoneOffsetMs(timeZone, first);
	if (first === second) return first;
	// Either side of a change: keep the earlier candidate that maps back to this wall time, else the later.
	const earlier = Math.min(first, second);
	return earlier + zoneOffsetMs(timeZone, earlier) === wall ? earlier : Math.max(first, second);
}

/** A wall time with the seconds spelled out (what is stored and answered). */
export function normalizeLocal(local: string): string {
	return local.length === 16 ? `${local}:00` : local;
}

// A small, careful iCalendar (RFC 5545) writer for the one thing we send: an appointment's
// invitation (iTIP, RFC 5546). Times are written in UTC ("…Z"), so no VTIMEZONE is needed and
// every calendar shows the slot in its own zone. Lines end CRLF and are folded at 75 octets;
// text values are escaped. The UID names the booking (stable), SEQUENCE counts its revisions, so
// a later REQUEST updates the event and a CANCEL removes it.

export interface CalendarEvent {
	uid: string;
	sequence: number;
	start: Date;
	end: Date;
	summary: string;
	description?: string;
	organizer: { name: string; email: string };
	attendee: string;
	stamp: Date;
}

const stampOf = (d: Date) =>
	`${d
		.toISOString()
		.replace(/[-:]/g, "")
		.replace(/\.\d{3}/, "")}`;

/** TEXT value escaping (RFC 5545 §3.3.11). */
function text(value: string): string {
	return value.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
}

/** Folds a content line at 75 octets, never inside a UTF-8 sequence (§3.1). */
function fold(line: string): string {
	const bytes = new TextEncoder();
	const out: string[] = [];
	let current = "";
	let size = 0;
	for (const ch of line) {
		const n = bytes.encode(ch).length;
		if (size + n > (out.length === 0 ? 75 : 74)) {
			out.push(current);
			current = "";
			size = 0;
		}
		current += ch;
		size += n;
	}
	out.push(current);
	return out.join("\r\n ");
}

/** A VCALENDAR with one VEVENT: METHOD:REQUEST for a booking or its new time, METHOD:CANCEL to withdraw it. */
export function calendarInvitation(method: "REQUEST" | "CANCEL", event: CalendarEvent): string {
	const lines = [
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:-//Bazaar//Bookings//EN",
		"CALSCALE:GREGORIAN",
		`METHOD:${method}`,
		"BEGIN:VEVENT",
		`UID:${event.uid}`,
		`SEQUENCE:${event.sequence}`,
		`DTSTAMP:${stampOf(event.stamp)}`,
		`DTSTART:${stampOf(event.start)}`,
		`DTEND:${stampOf(event.end)}`,
		`SUMMARY:${text(event.summary)}`,
		...(event.description ? [`DESCRIPTION:${text(event.description)}`] : []),
		`ORGANIZER;CN=${text(event.organizer.name)}:mailto:${event.organizer.email}`,
		`ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:${event.attendee}`,
		`STATUS:${method === "CANCEL" ? "CANCELLED" : "CONFIRMED"}`,
		"END:VEVENT",
		"END:VCALENDAR",
	];
	return `${lines.map(fold).join("\r\n")}\r\n`;
}

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { mailOutbox } from "../identity/schema";
import { calendarInvitation } from "../lib/ics";
import { json } from "../testing/harness";
import { confirmationMailId } from "./order-mail";
import { appointmentService, hour } from "./testing/appointment";
import { decideSandbox } from "./testing/journey";
import { checkoutBody, eventually, registerCustomer, type Stack, stack } from "./testing/stack";

// A booked service's confirmation mail carries its calendar invitation (RFC 5545/5546): the
// whole path on the composed core — book a slot, pay on the sandbox, order.paid → the mail in
// the outbox with a text/calendar attachment whose event is the slot in UTC.

let s: Stack;
let variantId: string;
const SKU = `ICS-${Date.now().toString(36)}`;

beforeAll(async () => {
	s = await stack();
	variantId = await appointmentService(s, SKU, "Massage; deep, tissue", 2);
}, 60_000);
afterAll(async () => {
	await s?.close();
});

describe("booking invitation", () => {
	test("paid booking → the confirmation mail carries a METHOD:REQUEST invitation for the slot, in UTC", async () => {
		const shopper = await registerCustomer(s, "Iris");
		const slot = hour(5);
		expect((await s.call("POST", "/cart/lines", { caller: shopper, body: { variantId, slot } })).status).toBe(200);
		const res = await s.call("POST", "/checkout", {
			caller: shopper,
			body: checkoutBody(),
			headers: { "idempotency-key": `ics-${Date.now()}` },
		});
		expect(res.status).toBe(201);
		const placed = await json<{ order: { id: string; lines: { slot?: string }[] }; payment: { redirectUrl: string } }>(
			res,
		);
		expect(placed.order.lines[0]?.slot).toBe(slot);
		expect((await decideSandbox(s, shopper, placed.payment.redirectUrl, "approve")).status).toBe(200);

		const db = s.core.identity.identity.database.db;
		const mail = await eventually(
			async () => {
				const [row] = await db
					.select()
					.from(mailOutbox)
					.where(eq(mailOutbox.id, confirmationMailId(placed.order.id)));
				return row;
			},
			10_000,
			"the confirmation mail",
		);
		expect(mail.to).toBe(shopper.email);
		const [ics] = mail.attachments ?? [];
		expect(ics?.filename).toBe("booking-1.ics");
		expect(ics?.contentType).toContain("text/calendar");
		const body = ics?.content ?? "";
		// CRLF line ends throughout, none longer than 75 octets.
		expect(body.endsWith("\r\n")).toBe(true);
		expect(body.split("\r\n").every((l) => new TextEncoder().encode(l).length <= 75)).toBe(true);
		const unfolded = body.replace(/\r\n /g, "");
		const stamp = slot.replace(/[-:]/g, "").replace(/\.\d{3}/, "");
		expect(unfolded).toContain("METHOD:REQUEST\r\n");
		expect(unfolded).toContain(`UID:${placed.order.id}.0@bazaar\r\n`);
		expect(unfolded).toContain("SEQUENCE:0\r\n");
		expect(unfolded).toContain(`DTSTART:${stamp}\r\n`);
		expect(unfolded).toMatch(/DTEND:\d{8}T\d{6}Z\r\n/);
		expect(unfolded).toContain(`ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:${shopper.email}\r\n`);
		// The title's ; and , are escaped as TEXT.
		expect(unfolded).toContain("SUMMARY:Massage\\; deep\\, tissue");
	}, 60_000);

	test("the writer: UTC times, escaping, folding inside no UTF-8 sequence, CANCEL marks the event cancelled", () => {
		const ics = calendarInvitation("CANCEL", {
			uid: "ord_X.0@bazaar",
			sequence: 2,
			start: new Date("2026-12-24T09:00:00Z"),
			end: new Date("2026-12-24T10:00:00Z"),
			summary: `Haircut ${"é".repeat(60)}\nnew line`,
			organizer: { name: "Bazaar", email: "shop@example.com" },
			attendee: "a@example.com",
			stamp: new Date("2026-12-02T12:00:00Z"),
		});
		const lines = ics.split("\r\n");
		expect(lines.every((l) => new TextEncoder().encode(l).length <= 75)).toBe(true);
		const strict = new TextDecoder("utf-8", { fatal: true });
		for (const l of lines) expect(strict.decode(new TextEncoder().encode(l))).toBe(l);
		const unfolded = ics.replace(/\r\n /g, "");
		expect(unfolded).toContain("METHOD:CANCEL\r\n");
		expect(unfolded).toContain("SEQUENCE:2\r\n");
		expect(unfolded).toContain("STATUS:CANCELLED\r\n");
		expect(unfolded).toContain("DTSTART:20261224T090000Z\r\n");
		expect(unfolded).toContain(`SUMMARY:Haircut ${"é".repeat(60)}\\nnew line\r\n`);
	});
});

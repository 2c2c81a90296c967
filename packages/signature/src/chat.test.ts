import { describe, expect, test } from "bun:test";
import { openChatTicket, signChatTicket } from "./chat";

const secret = "test-secret-0123456789-0123456789";
const claims = { v: 1, room: "cnv_01", name: "Zoë 🛒", nonce: "ab".repeat(16) };

describe("support chat tickets", () => {
	test("a ticket opens to the claims it was made with, names in any script included", async () => {
		const ticket = await signChatTicket(secret, claims);
		expect(ticket).toMatch(/^[A-Za-z0-9_-]+\.[0-9a-f]{64}$/);
		expect(await openChatTicket(secret, ticket)).toEqual(claims);
	});

	test("a changed payload, a changed mac, another secret or garbage opens to nothing", async () => {
		const ticket = await signChatTicket(secret, claims);
		const [payload, mac] = ticket.split(".") as [string, string];
		const other = await signChatTicket(secret, { ...claims, room: "cnv_02" });
		expect(await openChatTicket(secret, `${other.split(".")[0]}.${mac}`)).toBeNull();
		expect(await openChatTicket(secret, `${payload}.${mac.replace(/^./, (c) => (c === "0" ? "1" : "0"))}`)).toBeNull();
		expect(await openChatTicket("another-secret-0123456789-0123456", ticket)).toBeNull();
		for (const bad of ["", ".", "abc", `${payload}.`, `${payload}.${mac}x`, `${"a".repeat(3000)}.${mac}`]) {
			expect(await openChatTicket(secret, bad)).toBeNull();
		}
	});
});

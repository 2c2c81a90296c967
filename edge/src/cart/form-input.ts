import { type Problem, zodProblem } from "@bazaar/contracts";
import { AddLineRequest, SetQuantityRequest, Slot, VariantId } from "@bazaar/contracts/cart";
import type { z } from "zod";

// Form fields are strings; the cart's contracts want numbers. Only plain whole numbers become
// numbers here ("2" or "2.5", not "1e2" or "0x10"), so zod reports everything else clearly.

function quantityOf(raw: string | undefined): number | undefined {
	if (raw === undefined || raw.trim() === "") return undefined;
	return /^\s*-?\d{1,6}(\.\d{1,6})?\s*$/.test(raw) ? Number(raw) : Number.NaN;
}

/** A refused form: 400 unless `status` says otherwise (422: a booked time that is not a time). */
type Parsed<T> = { ok: true; value: T } | { ok: false; problem: Problem; status?: number };

function parsed<T>(result: z.ZodSafeParseResult<T>, detail: string): Parsed<T> {
	return result.success ? { ok: true, value: result.data } : { ok: false, problem: zodProblem(result.error, detail) };
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/**
 * A booked time from a form: `<input type="datetime-local">` sends a date and time without a
 * zone ("2026-12-01T10:00"), which the page's label says is UTC; a full ISO instant with its
 * zone is taken as it is. The answer is the instant as the inventory spells it, or null when
 * the value is no real date and time (2026-02-30, 25:00, "tomorrow"). Rules about which times
 * can be booked are the core's.
 */
export function slotFromForm(raw: string): string | null {
	const value = raw.trim();
	const m = LOCAL_DATE_TIME.exec(value);
	if (m) {
		const [y, mo, d, h, mi, sec] = m.slice(1, 7).map((part) => Number(part ?? 0)) as [
			number,
			number,
			number,
			number,
			number,
			number,
		];
		const at = new Date(Date.UTC(y, mo - 1, d, h, mi, sec, Number((m[7] ?? "0").padEnd(3, "0"))));
		// Date.UTC rolls 30 February over into March: a real date and time reads back the same.
		const real =
			at.getUTCFullYear() === y &&
			at.getUTCMonth() === mo - 1 &&
			at.getUTCDate() === d &&
			at.getUTCHours() === h &&
			at.getUTCMinutes() === mi &&
			at.getUTCSeconds() === sec;
		return real && y >= 1970 ? at.toISOString() : null;
	}
	const iso = Slot.safeParse(value);
	return iso.success ? iso.data : null;
}

const badSlot = (detail: string): { ok: false; problem: Problem; status: number } => ({
	ok: false,
	status: 422,
	problem: {
		type: "about:blank",
		title: "Unprocessable Content",
		status: 422,
		detail,
		errors: [{ path: "slot", message: "a date and time such as 2026-12-01T10:00 (UTC)" }],
	},
});

export function addLineForm(fields: Record<string, string>): Parsed<AddLineRequest> {
	const raw = fields.slot ?? "";
	const slot = raw.trim() === "" ? undefined : slotFromForm(raw);
	if (slot === null) return badSlot("That is not a date and time that can be booked.");
	const input = {
		variantId: fields.variantId ?? "",
		quantity: quantityOf(fields.quantity),
		...(slot === undefined ? {} : { slot }),
	};
	return parsed(AddLineRequest.safeParse(input), "That could not be added to the cart.");
}

/**
 * The booked line a cart form names, from its hidden `slot` field: null when the form names an
 * unbooked line, "bad" when the field holds no instant.
 */
export function lineSlotForm(fields: Record<string, string>): string | null | "bad" {
	const raw = fields.slot ?? "";
	if (raw === "") return null;
	const slot = Slot.safeParse(raw);
	return slot.success ? slot.data : "bad";
}

/** A quantity of 0 in the cart's form means "remove this line". */
export function quantityForm(fields: Record<string, string>): Parsed<SetQuantityRequest | "remove"> {
	const quantity = quantityOf(fields.quantity);
	if (quantity === 0) return { ok: true, value: "remove" };
	return parsed(SetQuantityRequest.safeParse({ quantity }), "That quantity is not possible.");
}

export const isVariantId = (raw: string) => VariantId.safeParse(raw).success;

/** A refusal as one sentence for the page: the detail, then what each field got wrong. */
export function problemText(p: Problem): string {
	const details = (p.errors ?? []).map((e) => e.message).filter((m) => !(p.detail ?? "").includes(m));
	return [p.detail ?? p.title, ...details].join(" ");
}

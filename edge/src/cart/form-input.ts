import { type Problem, zodProblem } from "@bazaar/contracts";
import { AddLineRequest, SetQuantityRequest, VariantId } from "@bazaar/contracts/cart";
import type { z } from "zod";

// Form fields are strings; the cart's contracts want numbers. Only plain whole numbers become
// numbers here ("2" or "2.5", not "1e2" or "0x10"), so zod reports everything else clearly.

function quantityOf(raw: string | undefined): number | undefined {
	if (raw === undefined || raw.trim() === "") return undefined;
	return /^\s*-?\d{1,6}(\.\d{1,6})?\s*$/.test(raw) ? Number(raw) : Number.NaN;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; problem: Problem };

function parsed<T>(result: z.ZodSafeParseResult<T>, detail: string): Parsed<T> {
	return result.success ? { ok: true, value: result.data } : { ok: false, problem: zodProblem(result.error, detail) };
}

export function addLineForm(fields: Record<string, string>): Parsed<AddLineRequest> {
	const input = { variantId: fields.variantId ?? "", quantity: quantityOf(fields.quantity) };
	return parsed(AddLineRequest.safeParse(input), "That could not be added to the cart.");
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

import type { Problem } from "@bazaar/contracts";
import type { AppContext } from "../env";
import type { CoreAnswer } from "../lib/core-call";
import { personalPage } from "../lib/personal-page";
import type { ActiveSession } from "../session/store";
import { type FormMessage, Message } from "../views/account-pages";
import { ConsoleLayout, ForbiddenPage } from "../views/console-layout";
import { canRead, canWrite, type Section } from "./access";

// What every console route shares: the signed-in staff member, the per-section gate, the page
// answer (personal: no-store, the strict CSP) and how a refusal of the admin API is shown.

export function staff(c: AppContext): ActiveSession {
	const session = c.get("session");
	// The console's router lets no request without a staff session reach a page (routes/console.tsx).
	if (!session) throw new Error("console page without a session");
	return session;
}

export const consolePage = personalPage;

export function forbidden(c: AppContext, detail: string): Promise<Response> {
	const session = c.get("session");
	return personalPage(
		c,
		403,
		<ForbiddenPage roles={session?.roles ?? []} csrf={session?.csrf ?? ""} detail={detail} />,
	);
}

/** A 403 page when the staff member's roles do not open `section` (for reading, or for changing it). */
export function gate(c: AppContext, section: Section, mode: "read" | "write" = "read"): Promise<Response> | null {
	const { roles } = staff(c);
	if (mode === "read" ? canRead(roles, section) : canWrite(roles, section)) return null;
	return forbidden(
		c,
		mode === "read"
			? "Your roles do not include this part of the console."
			: "Your roles may look at this but not change it.",
	);
}

/** The admin API's refusal as the form shows it (its detail and the fields it names). */
export function messageOf(problem: Problem): FormMessage {
	return { text: problem.detail ?? problem.title, errors: problem.errors };
}

/** A page for a read that failed: the status the admin API gave (403, 404, 503…) with its reason. */
export function failedRead(c: AppContext, answer: Extract<CoreAnswer<unknown>, { ok: false }>, section?: Section) {
	const session = staff(c);
	if (answer.status === 403) return forbidden(c, answer.problem.detail ?? "Your roles do not allow this.");
	const status = answer.status >= 500 ? (answer.status === 503 ? 503 : 502) : answer.status;
	const title = status === 404 ? "Not found" : status >= 500 ? "The shop is having trouble" : "That did not work";
	return personalPage(
		c,
		status,
		<ConsoleLayout title={title} roles={session.roles} csrf={session.csrf} current={section}>
			<h1>{title}</h1>
			<Message message={messageOf(answer.problem)} />
		</ConsoleLayout>,
	);
}

/** A write the admin API refused: a 403 page, or the status to re-render the form with and its message. */
export function refusal(answer: Extract<CoreAnswer<unknown>, { ok: false }>): { status: number; message: FormMessage } {
	const status = answer.status === 400 ? 422 : answer.status;
	return { status, message: messageOf(answer.problem) };
}

/** `?done=<key>` after a redirect, as the sentence a page shows. */
export function doneText(c: AppContext, texts: Record<string, string>): string | undefined {
	return texts[c.req.query("done") ?? ""];
}

import { DeadLetter } from "@bazaar/contracts/bus";
import { PaymentConflict } from "@bazaar/contracts/order";
import { ReconciliationRun } from "@bazaar/contracts/payment";
import { Hono } from "hono";
import { z } from "zod";
import { adminCall } from "../console/admin-call";
import { consolePage, doneText, failedRead, gate, refusal, staff } from "../console/page";
import type { AppContext, AppEnv } from "../env";
import { checkedForm } from "../lib/forms";
import { seeOther } from "../lib/personal-page";
import type { FormMessage } from "../views/account-pages";
import { OperationsPage } from "../views/console-operations";

// What keeps the shop's plumbing honest, for admins: events a consumer gave up on (with replay),
// payments that could not settle their order, and the payment reconciliation runs.

export const consoleOperations = new Hono<AppEnv>();

const DONE: Record<string, string> = {
	replayed: "The event went back to its consumer.",
	reconciled: "A reconciliation run finished; it is the first below.",
};

const Letters = z.object({ items: z.array(DeadLetter) });
const Conflicts = z.object({ items: z.array(PaymentConflict) });
const Runs = z.object({ items: z.array(ReconciliationRun) });

async function renderOperations(c: AppContext, status: number, message?: FormMessage) {
	const [letters, conflicts, runs] = await Promise.all([
		adminCall(c, Letters, "GET", "/bus/dead-letters"),
		adminCall(c, Conflicts, "GET", "/orders/payment-conflicts?limit=50"),
		adminCall(c, Runs, "GET", "/payment/reconciliation-runs?limit=10"),
	]);
	if (!letters.ok) return failedRead(c, letters, "operations");
	const s = staff(c);
	const page = (
		<OperationsPage
			roles={s.roles}
			csrf={s.csrf}
			letters={letters.value.items}
			conflicts={conflicts.ok ? conflicts.value.items : null}
			runs={runs.ok ? runs.value.items : null}
			message={message}
			done={doneText(c, DONE)}
		/>
	);
	return consolePage(c, status, page);
}

consoleOperations.get("/operations", async (c) => {
	const denied = gate(c, "operations");
	if (denied) return denied;
	return renderOperations(c, 200);
});

consoleOperations.post("/operations/dead-letters/:group/:id/replay", async (c) => {
	const denied = gate(c, "operations", "write");
	if (denied) return denied;
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const path = `/bus/dead-letters/${encodeURIComponent(c.req.param("group"))}/${encodeURIComponent(c.req.param("id"))}/replay`;
	const answer = await adminCall(c, z.unknown(), "POST", path);
	if (!answer.ok) return renderOperations(c, refusal(answer).status, refusal(answer).message);
	return seeOther(c, "/admin/operations?done=replayed");
});

consoleOperations.post("/operations/reconcile", async (c) => {
	const denied = gate(c, "operations", "write");
	if (denied) return denied;
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const answer = await adminCall(c, z.unknown(), "POST", "/payment/reconcile");
	if (!answer.ok) return renderOperations(c, refusal(answer).status, refusal(answer).message);
	return seeOther(c, "/admin/operations?done=reconciled#runs");
});

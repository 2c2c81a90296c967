import { LedgerPage, Reconciliation, SkuStock } from "@bazaar/contracts/inventory";
import { Hono } from "hono";
import { z } from "zod";
import { canWrite } from "../console/access";
import { adminCall, query } from "../console/admin-call";
import { consolePage, doneText, failedRead, gate, refusal, staff } from "../console/page";
import type { Fields } from "../console/product-form";
import type { AppContext, AppEnv } from "../env";
import { checkedForm } from "../lib/forms";
import { seeOther } from "../lib/personal-page";
import type { FormMessage } from "../views/account-pages";
import { StockLevelsPage, StockSkuPage } from "../views/console-stock";

// Stock: every SKU's level per warehouse, receiving and adjusting with a reason, and the ledger
// of every movement.

export const consoleStock = new Hono<AppEnv>();

const DONE: Record<string, string> = {
	received: "The units were received.",
	adjusted: "The stock was adjusted.",
	defined: "The SKU's stock is kept from now on.",
};

consoleStock.get("/stock", async (c) => {
	const denied = gate(c, "stock");
	if (denied) return denied;
	const sku = c.req.query("sku")?.trim();
	if (sku) return seeOther(c, `/admin/stock/${encodeURIComponent(sku)}`);
	const answer = await adminCall(c, Reconciliation, "GET", "/inventory/reconcile");
	if (!answer.ok) return failedRead(c, answer, "stock");
	const s = staff(c);
	const rows = answer.value.rows.filter((r) => r.slot === null).sort((a, b) => a.sku.localeCompare(b.sku));
	return consolePage(c, 200, <StockLevelsPage roles={s.roles} csrf={s.csrf} rows={rows} />);
});

const skuPath = (sku: string) => `/inventory/skus/${encodeURIComponent(sku)}`;

async function renderSku(c: AppContext, sku: string, status: number, message?: FormMessage, values: Fields = {}) {
	const s = staff(c);
	const [stock, ledger] = await Promise.all([
		adminCall(c, SkuStock, "GET", skuPath(sku)),
		adminCall(c, LedgerPage, "GET", `${skuPath(sku)}/ledger${query({ after: c.req.query("after"), limit: 50 })}`),
	]);
	// An unknown SKU has no stock yet: the page still offers to receive its first units.
	if (!stock.ok && stock.status !== 404) return failedRead(c, stock, "stock");
	if (!ledger.ok && ledger.status !== 404) return failedRead(c, ledger, "stock");
	const page = (
		<StockSkuPage
			roles={s.roles}
			csrf={s.csrf}
			sku={sku}
			stock={stock.ok ? stock.value : null}
			ledger={ledger.ok ? ledger.value : null}
			canChange={canWrite(s.roles, "stock")}
			message={message}
			values={values}
			done={doneText(c, DONE)}
		/>
	);
	return consolePage(c, status, page);
}

consoleStock.get("/stock/:sku", async (c) => {
	const denied = gate(c, "stock");
	if (denied) return denied;
	return renderSku(c, c.req.param("sku"), 200);
});

const Moved = z.unknown();

consoleStock.post("/stock/:sku/define", async (c) => {
	const denied = gate(c, "stock", "write");
	if (denied) return denied;
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const sku = c.req.param("sku");
	const capacity = wholeNumber(fields.slotCapacity);
	const body = {
		policy: fields.policy ?? "",
		...(fields.policy === "capacity" && capacity !== null ? { slotCapacity: capacity } : {}),
	};
	const answer = await adminCall(c, Moved, "PUT", skuPath(sku), body);
	if (!answer.ok) {
		const r = refusal(answer);
		return renderSku(c, sku, r.status, r.message, fields);
	}
	return seeOther(c, `/admin/stock/${encodeURIComponent(sku)}?done=defined`);
});

function wholeNumber(raw: string | undefined): number | null {
	const t = (raw ?? "").trim();
	return /^-?\d{1,9}$/.test(t) ? Number(t) : null;
}

consoleStock.post("/stock/:sku/:move{receive|adjust}", async (c) => {
	const denied = gate(c, "stock", "write");
	if (denied) return denied;
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const sku = c.req.param("sku");
	const move = c.req.param("move");
	const field = move === "receive" ? "quantity" : "delta";
	const amount = wholeNumber(fields[field]);
	if (amount === null) {
		return renderSku(
			c,
			sku,
			422,
			{ text: "Give a whole number.", errors: [{ path: field, message: "a whole number" }] },
			fields,
		);
	}
	const reason = (fields.reason ?? "").trim();
	const warehouse = (fields.warehouse ?? "").trim();
	const body = {
		[field]: amount,
		...(reason || move === "adjust" ? { reason } : {}),
		...(warehouse ? { warehouse } : {}),
	};
	const answer = await adminCall(c, Moved, "POST", `${skuPath(sku)}/${move}`, body);
	if (!answer.ok) {
		const r = refusal(answer);
		return renderSku(c, sku, r.status, r.message, fields);
	}
	return seeOther(c, `/admin/stock/${encodeURIComponent(sku)}?done=${move === "receive" ? "received" : "adjusted"}`);
});

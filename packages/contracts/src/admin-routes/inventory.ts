import { createRoute } from "@hono/zod-openapi";
import {
	AdjustStockRequest,
	DefineSkuRequest,
	LedgerPage,
	LedgerQuery,
	ReceiveStockRequest,
	ReconcileQuery,
	Reconciliation,
	SkuStock,
} from "../inventory";
import { answer, body, idParams, problem } from "./kit";

// The inventory area (core /inventory/admin/*, edge /api/admin/inventory/*): a SKU's stock policy,
// receiving and adjusting stock (each move in the ledger with who and why), and reconciling stock
// against the ledger. Catalog managers receive what they list, so they manage stock too.

const ROLE = "Role: admin or catalog_manager.";
const sku = idParams("sku");
const noSuchSku = problem("No such SKU.");
const target = problem("The warehouse or slot does not fit the SKU's policy (a slot for a tracked SKU, say).");

export const getStock = createRoute({
	method: "get",
	path: "/skus/{sku}",
	summary: "Stock of a SKU",
	description: ROLE,
	request: { params: sku },
	responses: { 200: answer(SkuStock, "On hand, reserved and available per warehouse."), 404: noSuchSku },
});

export const defineSku = createRoute({
	method: "put",
	path: "/skus/{sku}",
	summary: "Define a SKU's stock policy",
	description: `${ROLE} \`tracked\` counts units, \`unlimited\` never runs out, \`capacity\` sells time slots of \`slotCapacity\` places each. The policy cannot change once the SKU has stock movements.`,
	request: { params: sku, body: body(DefineSkuRequest, { policy: "tracked" }) },
	responses: {
		200: answer(SkuStock, "Updated."),
		201: answer(SkuStock, "Defined (a new SKU)."),
		400: problem("The SKU or the body is not valid."),
		409: problem("The SKU has stock movements; its policy can no longer change."),
	},
});

export const receiveStock = createRoute({
	method: "post",
	path: "/skus/{sku}/receive",
	summary: "Receive stock",
	description: `${ROLE} Into a warehouse (the default one when not named), or a capacity SKU's slot.`,
	request: { params: sku, body: body(ReceiveStockRequest, { quantity: 24, reason: "Delivery note DN-20481" }) },
	responses: {
		200: answer(SkuStock, "Received; recorded in the ledger."),
		400: problem("The body is not valid."),
		404: noSuchSku,
		422: target,
	},
});

export const adjustStock = createRoute({
	method: "post",
	path: "/skus/{sku}/adjust",
	summary: "Adjust stock with a reason",
	description: `${ROLE} Adds (\`delta\` > 0) or removes units: shrinkage, damage, a recount. Never below what is reserved or sold.`,
	request: { params: sku, body: body(AdjustStockRequest, { delta: -2, reason: "Damaged in the warehouse" }) },
	responses: {
		200: answer(SkuStock, "Adjusted; recorded in the ledger with the reason and who did it."),
		400: problem("The body is not valid."),
		404: noSuchSku,
		409: problem("Fewer units can be removed than asked (the rest are reserved, sold or not there)."),
		422: target,
	},
});

export const getLedger = createRoute({
	method: "get",
	path: "/skus/{sku}/ledger",
	summary: "A SKU's stock ledger",
	description: `${ROLE} Oldest first; pass \`next\` as \`after\` for the next page.`,
	request: { params: sku, query: LedgerQuery },
	responses: {
		200: answer(LedgerPage, "A page of stock movements."),
		400: problem("A malformed `after` or a limit over 500."),
		404: noSuchSku,
	},
});

export const reconcile = createRoute({
	method: "get",
	path: "/reconcile",
	summary: "Reconcile stock against the ledger",
	description: `${ROLE} Only the SKUs named (repeat \`sku\`), or every SKU.`,
	request: { query: ReconcileQuery },
	responses: {
		200: answer(Reconciliation, "Per SKU: available + reserved + sold against received − adjustments."),
	},
});

export const INVENTORY_ADMIN_ROUTES = [getStock, defineSku, receiveStock, adjustStock, getLedger, reconcile];

import { AdminProductQuery } from "@bazaar/contracts";
import { ListShipmentsQuery } from "@bazaar/contracts/fulfillment";
import { UserListQuery } from "@bazaar/contracts/identity";
import { bodyOf, idParam, type Json, listParams, pathParam, problem } from "./parts";
import { readsTakeNoBody, staffOp } from "./staff";

// The admin API's catalog, identity, inventory and fulfillment areas; orders and payment have
// their own files (admin-order-paths.ts, admin-payment-paths.ts).

const catalog = staffOp("catalog");
const identity = staffOp("identity");
const inventory = staffOp("inventory");
const fulfillment = staffOp("fulfillment");
const sku = pathParam("sku", "The variant's SKU.");
const conflict = { "409": problem("The change conflicts with the record's state.") };

export function adminPaths(): Record<string, Json> {
	return readsTakeNoBody({
		"/api/admin/catalog/products": {
			get: catalog(
				"List products of every status",
				{
					description:
						"Role: admin or catalog_manager. Drafts and archived products too (the shop's lists show active ones only), newest first.",
					parameters: listParams(AdminProductQuery, {
						q: "Words of the title, brand, description or category, or an exact slug or id.",
						kind: "Only this kind.",
						category: "This category (slug) and those below it; an unknown one is a 404.",
						status: "Only this status (e.g. `archived`).",
					}),
				},
				["200", "AdminProductList", "A page of products."],
			),
			post: catalog("Create a product", { requestBody: bodyOf("ProductInput") }, ["201", "Product", "Created."]),
		},
		"/api/admin/catalog/products/{id}": {
			get: catalog("Get a product in any status", { parameters: [idParam("Product id")] }, [
				"200",
				"Product",
				"The product.",
			]),
			patch: catalog("Update a product", { parameters: [idParam("Product id")], requestBody: bodyOf("ProductPatch") }, [
				"200",
				"Product",
				"Updated.",
			]),
		},
		"/api/admin/catalog/products/{id}/archive": {
			post: catalog("Archive a product", { parameters: [idParam("Product id")] }, ["200", "Product", "Archived."]),
		},
		"/api/admin/catalog/products/{id}/variants": {
			post: catalog("Add a variant", { parameters: [idParam("Product id")], requestBody: bodyOf("VariantInput") }, [
				"201",
				"Variant",
				"Created.",
			]),
		},
		"/api/admin/catalog/products/{id}/images": {
			post: catalog("Add an image", { parameters: [idParam("Product id")], requestBody: bodyOf("ImageInput") }, [
				"201",
				"ImageRef",
				"Created; the core made thumb, card and full sizes.",
			]),
		},
		"/api/admin/catalog/variants/{id}": {
			patch: catalog(
				"Update a variant (prices, stock, options)",
				{ parameters: [idParam("Variant id")], requestBody: bodyOf("VariantPatch") },
				["200", "Variant", "Updated."],
			),
		},
		"/api/admin/catalog/markets": {
			get: catalog("The markets", {}, ["200", "MarketList", "Every market and the default one."]),
			put: catalog(
				"Replace the markets",
				{
					description:
						"The whole list: codes and countries unique, the default one of them. A change moves the catalog version, so every page is rendered anew in its market.",
					requestBody: bodyOf("MarketListInput"),
				},
				["200", "MarketList", "Replaced."],
			),
		},
		"/api/admin/catalog/categories": {
			post: catalog("Create a category", { requestBody: bodyOf("CategoryInput") }, ["201", "Category", "Created."]),
		},
		"/api/admin/catalog/categories/{id}": {
			patch: catalog(
				"Update a category",
				{ parameters: [idParam("Category id")], requestBody: bodyOf("CategoryPatch") },
				["200", "Category", "Updated."],
			),
		},
		"/api/admin/identity/users": {
			get: identity(
				"List accounts",
				{
					description: "Role: admin or support_agent (read-only). Newest first.",
					parameters: listParams(UserListQuery, {
						q: "The start of the email (any case) or a part of the name.",
						role: "Only accounts holding this role.",
					}),
				},
				["200", "UserList", "A page of accounts."],
			),
		},
		"/api/admin/identity/users/{id}": {
			get: identity(
				"Get an account",
				{ parameters: [idParam("User id")], description: "Role: admin or support_agent (read-only)." },
				["200", "UserPublic", "The account."],
			),
		},
		"/api/admin/identity/users/{id}/roles": {
			put: identity(
				"Set an account's roles",
				{
					parameters: [idParam("User id")],
					requestBody: bodyOf("SetRolesInput"),
					description:
						"Role: admin. Takes effect on the account's next request; the last admin cannot be demoted (409).",
				},
				["200", "UserPublic", "The account with its new roles."],
				conflict,
			),
		},
		"/api/admin/inventory/skus/{sku}": {
			get: inventory("Stock of a SKU", { parameters: [sku] }, [
				"200",
				"SkuStock",
				"On hand, reserved and available per warehouse.",
			]),
			put: inventory("Define a SKU's stock policy", { parameters: [sku], requestBody: bodyOf("DefineSkuRequest") }, [
				"200",
				"SkuStock",
				"Updated (201 when new).",
			]),
		},
		"/api/admin/inventory/skus/{sku}/receive": {
			post: inventory("Receive stock", { parameters: [sku], requestBody: bodyOf("ReceiveStockRequest") }, [
				"200",
				"SkuStock",
				"Received; recorded in the ledger.",
			]),
		},
		"/api/admin/inventory/skus/{sku}/adjust": {
			post: inventory(
				"Adjust stock with a reason",
				{ parameters: [sku], requestBody: bodyOf("AdjustStockRequest") },
				["200", "SkuStock", "Adjusted; recorded in the ledger with the reason and who did it."],
				conflict,
			),
		},
		"/api/admin/inventory/skus/{sku}/ledger": {
			get: inventory(
				"A SKU's stock ledger",
				{
					parameters: [
						sku,
						{ name: "after", in: "query", required: false, schema: { type: "string" } },
						{ name: "limit", in: "query", required: false, schema: { type: "integer" } },
					],
				},
				["200", "LedgerPage", "A page of stock movements."],
			),
		},
		"/api/admin/inventory/reconcile": {
			get: inventory(
				"Reconcile stock against the ledger",
				{
					parameters: [
						{ name: "sku", in: "query", required: false, description: "Repeatable.", schema: { type: "string" } },
					],
				},
				["200", "Reconciliation", "Per SKU: available + reserved + sold against received − adjustments."],
			),
		},
		"/api/admin/fulfillment/shipments": {
			get: fulfillment(
				"List shipments",
				{
					description:
						"Role: admin or support_agent (read-only). Newest first, with their history; `status=pending&kind=parcel` is what awaits dispatch.",
					parameters: listParams(ListShipmentsQuery, {
						orderId: "Only this order's shipment.",
						status: "Only shipments in this status.",
						kind: "`parcel` (a carrier takes it) or `digital`.",
					}),
				},
				["200", "ShipmentList", "A page of shipments."],
				{ "404": null },
			),
		},
		"/api/admin/fulfillment/shipments/{id}": {
			get: fulfillment(
				"Get a shipment",
				{ parameters: [idParam("Shipment id")], description: "Role: admin or support_agent (read-only)." },
				["200", "ShipmentDetail", "The shipment with its history."],
			),
		},
		"/api/admin/fulfillment/shipments/{id}/ship": {
			post: fulfillment(
				"Hand a shipment to the carrier",
				{ parameters: [idParam("Shipment id")], requestBody: bodyOf("ShipInput", false) },
				["200", "ShipmentDetail", "Shipped (with its carrier and tracking number)."],
				conflict,
			),
		},
		"/api/admin/fulfillment/shipments/{id}/deliver": {
			post: fulfillment(
				"Mark a shipment delivered",
				{ parameters: [idParam("Shipment id")], requestBody: bodyOf("DeliverInput", false) },
				["200", "ShipmentDetail", "Delivered."],
				conflict,
			),
		},
		"/api/admin/fulfillment/shipments/{id}/cancel": {
			post: fulfillment(
				"Cancel a shipment that has not shipped",
				{ parameters: [idParam("Shipment id")], requestBody: bodyOf("CancelShipmentInput", false) },
				["200", "ShipmentDetail", "Cancelled (a repeat answers it unchanged)."],
				conflict,
			),
		},
	});
}

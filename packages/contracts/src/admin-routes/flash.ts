import { createRoute } from "@hono/zod-openapi";
import { CreateFlashItem, FlashItem, FlashItemList } from "../flash";
import { answer, body, idParams, problem } from "./kit";

// The flash area (core /flash/admin/*, edge /api/admin/flash/*): flash-sale items. Arming one
// moves its quota out of regular stock into the sale (core/src/workflows/flash.ts); the edge's
// proxy then spreads it over the item's stock shards (edge/src/flash/arm.ts).

const ADMIN = "Role: admin.";
const id = idParams("id");
const noSuchItem = problem("No such flash-sale item.");

export const createFlashItem = createRoute({
	method: "post",
	path: "/items",
	summary: "Create a flash-sale item",
	description: `${ADMIN} In \`draft\`: nothing is held until it is armed.`,
	request: {
		body: body(CreateFlashItem, {
			variantId: "var_01J00000000000000000000000",
			sku: "FLASH-DEMO-1",
			title: "11.11 doorbuster",
			currency: "EUR",
			flashPrice: 999,
			regularPrice: 2999,
			quota: 100,
			perShopperLimit: 2,
			startsAt: "2027-11-11T00:00:00Z",
			endsAt: "2027-11-11T01:00:00Z",
			shards: 4,
		}),
	},
	responses: {
		201: answer(FlashItem, "The item, in draft (`location` names it)."),
		400: problem("The body is not valid (an end before the start, a quota or limit out of range)."),
	},
});

export const listFlashItems = createRoute({
	method: "get",
	path: "/items",
	summary: "Flash-sale items",
	description: ADMIN,
	responses: { 200: answer(FlashItemList, "Every item with its status.") },
});

export const getFlashItem = createRoute({
	method: "get",
	path: "/items/{id}",
	summary: "A flash-sale item",
	description: ADMIN,
	request: { params: id },
	responses: { 200: answer(FlashItem, "The item."), 404: noSuchItem },
});

export const armFlashItem = createRoute({
	method: "post",
	path: "/items/{id}/arm",
	summary: "Arm a flash-sale item",
	description: `${ADMIN} Moves its quota out of the SKU's available stock into the sale and gives each stock shard its allotment. Arming an armed item again changes nothing. No body.`,
	request: { params: id },
	responses: {
		200: answer(FlashItem, "The item, armed."),
		404: noSuchItem,
		409: problem("The item is closed or its window has ended, or the SKU has too little stock for the quota."),
		422: problem("The SKU is unknown, or sold by time slot."),
	},
});

export const FLASH_ADMIN_ROUTES = [createFlashItem, listFlashItems, getFlashItem, armFlashItem];

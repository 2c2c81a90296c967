import type { RouteConfig } from "@hono/zod-openapi";
import { BUS_ADMIN_ROUTES } from "./bus";
import { CATALOG_ADMIN_ROUTES } from "./catalog";
import { DELIVERY_ADMIN_ROUTES } from "./delivery";
import { FLASH_ADMIN_ROUTES } from "./flash";
import { FULFILLMENT_ADMIN_ROUTES } from "./fulfillment";
import { IDENTITY_ADMIN_ROUTES } from "./identity";
import { INVENTORY_ADMIN_ROUTES } from "./inventory";
import { ORDER_ADMIN_ROUTES } from "./orders";
import { PAYMENT_ADMIN_ROUTES } from "./payment";
import { PROMOTION_ADMIN_ROUTES } from "./promotions";
import { REVIEW_ADMIN_ROUTES } from "./reviews";
import { SUPPORT_ADMIN_ROUTES } from "./support";

// The admin API's route definitions, one file per area, paths relative to the area. The core
// serves each with `OpenAPIHono.openapi(definition, handler)` under its module's admin prefix, and
// the edge documents each under /api/admin/<area> (edge/src/openapi/admin-routes.ts), so no
// documented admin path can exist without the core route that answers it.

export const ADMIN_ROUTES: Record<string, RouteConfig[]> = {
	catalog: CATALOG_ADMIN_ROUTES,
	identity: IDENTITY_ADMIN_ROUTES,
	inventory: INVENTORY_ADMIN_ROUTES,
	orders: ORDER_ADMIN_ROUTES,
	fulfillment: FULFILLMENT_ADMIN_ROUTES,
	payment: PAYMENT_ADMIN_ROUTES,
	promotions: PROMOTION_ADMIN_ROUTES,
	bus: BUS_ADMIN_ROUTES,
	reviews: REVIEW_ADMIN_ROUTES,
	support: SUPPORT_ADMIN_ROUTES,
	delivery: DELIVERY_ADMIN_ROUTES,
	flash: FLASH_ADMIN_ROUTES,
};

export * as busAdmin from "./bus";
export * as catalogAdmin from "./catalog";
export * as deliveryAdmin from "./delivery";
export * as flashAdmin from "./flash";
export * as fulfillmentAdmin from "./fulfillment";
export * as identityAdmin from "./identity";
export * as inventoryAdmin from "./inventory";
export * as orderAdmin from "./orders";
export * as paymentAdmin from "./payment";
export * as promotionAdmin from "./promotions";
export * as reviewAdmin from "./reviews";
export * as supportAdmin from "./support";

import { CART_MIGRATIONS } from "../cart/context";
import { CATALOG_MIGRATIONS } from "../catalog/context";
import type { Config } from "../config";
import { DELIVERY_MIGRATIONS } from "../delivery/context";
import { FLASH_MIGRATIONS } from "../flash/context";
import { FULFILLMENT_MIGRATIONS } from "../fulfillment/context";
import { IDENTITY_MIGRATIONS } from "../identity/context";
import { INVENTORY_MIGRATIONS } from "../inventory/context";
import { ORDER_MIGRATIONS } from "../order/context";
import { PAYMENT_MIGRATIONS } from "../payment/context";
import { PROMOTION_MIGRATIONS } from "../promotion/context";
import { REVIEW_MIGRATIONS } from "../review/context";
import { SUPPORT_MIGRATIONS } from "../support/context";

// Every database the core writes, named as backups name them, in ONE fixed order: whoever locks
// several of them (a backup) takes them in this order, so two backups can never deadlock.

export interface ModuleDatabase {
	/** `order` → `order.db` in a backup. */
	name: string;
	url: string;
	/** The drizzle-kit migrations the code applies to it; null for the bus (it creates its tables itself). */
	migrations: string | null;
}

export function moduleDatabases(config: Config): ModuleDatabase[] {
	const list: ModuleDatabase[] = [
		{ name: "cart", url: config.cart.url, migrations: CART_MIGRATIONS },
		{ name: "catalog", url: config.catalogDbUrl, migrations: CATALOG_MIGRATIONS },
		{ name: "delivery", url: config.delivery.url, migrations: DELIVERY_MIGRATIONS },
		{ name: "flash", url: config.flash.url, migrations: FLASH_MIGRATIONS },
		{ name: "fulfillment", url: config.fulfillment.url, migrations: FULFILLMENT_MIGRATIONS },
		{ name: "identity", url: config.identityDbUrl, migrations: IDENTITY_MIGRATIONS },
		{ name: "inventory", url: config.inventory.url, migrations: INVENTORY_MIGRATIONS },
		{ name: "order", url: config.order.url, migrations: ORDER_MIGRATIONS },
		{ name: "payment", url: config.payment.url, migrations: PAYMENT_MIGRATIONS },
		{ name: "promotion", url: config.promotionDbUrl, migrations: PROMOTION_MIGRATIONS },
		{ name: "review", url: config.review.url, migrations: REVIEW_MIGRATIONS },
		{ name: "support", url: config.support.url, migrations: SUPPORT_MIGRATIONS },
	];
	// With REDIS_URL the bus lives in Redis Streams, not in a database.
	if (!config.redisUrl) list.push({ name: "bus", url: config.busDbUrl, migrations: null });
	return list.sort((a, b) => (a.name < b.name ? -1 : 1));
}

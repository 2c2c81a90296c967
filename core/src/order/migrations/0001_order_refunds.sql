CREATE TABLE `order_refunds` (
	`order_id` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`request_hash` text NOT NULL,
	`payment_id` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`reason` text NOT NULL,
	`restock` integer NOT NULL,
	`actor` text NOT NULL,
	`refund_id` text,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`order_id`, `idempotency_key`),
	CONSTRAINT "order_refunds_amount_ck" CHECK("order_refunds"."amount" > 0),
	CONSTRAINT "order_refunds_status_ck" CHECK("order_refunds"."status" IN ('requested', 'succeeded', 'pending', 'failed'))
);
--> statement-breakpoint
-- Hand-edited after drizzle-kit: the copy takes only the old table's columns (the generated one
-- selected the new columns from the old table) and fills fulfilled_at / delivered_at from the timeline.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`email` text NOT NULL,
	`status` text NOT NULL,
	`currency` text NOT NULL,
	`lines` text NOT NULL,
	`address` text NOT NULL,
	`shipping_method` text NOT NULL,
	`subtotal` integer NOT NULL,
	`shipping_amount` integer NOT NULL,
	`tax_amount` integer NOT NULL,
	`tax_rate_bp` integer NOT NULL,
	`discount_amount` integer DEFAULT 0 NOT NULL,
	`total` integer NOT NULL,
	`reservation_id` text NOT NULL,
	`payment_gateway` text,
	`payment_reference` text,
	`payment_id` text,
	`tracking_number` text,
	`refunded_amount` integer DEFAULT 0 NOT NULL,
	`fulfilled_at` text,
	`delivered_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`expires_at` text NOT NULL,
	CONSTRAINT "orders_status_ck" CHECK("__new_orders"."status" IN ('pending_payment', 'paid', 'fulfilled', 'delivered', 'cancelled', 'expired', 'partially_refunded', 'refunded')),
	CONSTRAINT "orders_refunded_ck" CHECK("__new_orders"."refunded_amount" >= 0 AND "__new_orders"."refunded_amount" <= "__new_orders"."total"),
	CONSTRAINT "orders_money_ck" CHECK("__new_orders"."subtotal" >= 0 AND "__new_orders"."shipping_amount" >= 0 AND "__new_orders"."tax_amount" >= 0 AND "__new_orders"."discount_amount" >= 0
				AND "__new_orders"."total" = "__new_orders"."subtotal" + "__new_orders"."shipping_amount" + "__new_orders"."tax_amount" - "__new_orders"."discount_amount" AND "__new_orders"."total" >= 0)
);
--> statement-breakpoint
INSERT INTO `__new_orders`("id", "customer_id", "email", "status", "currency", "lines", "address", "shipping_method", "subtotal", "shipping_amount", "tax_amount", "tax_rate_bp", "discount_amount", "total", "reservation_id", "payment_gateway", "payment_reference", "payment_id", "tracking_number", "refunded_amount", "fulfilled_at", "delivered_at", "created_at", "updated_at", "expires_at") SELECT "id", "customer_id", "email", "status", "currency", "lines", "address", "shipping_method", "subtotal", "shipping_amount", "tax_amount", "tax_rate_bp", "discount_amount", "total", "reservation_id", "payment_gateway", "payment_reference", "payment_id", "tracking_number", 0,
	(SELECT min(t."at") FROM `order_transitions` t WHERE t."order_id" = `orders`."id" AND t."to_status" = 'fulfilled'),
	(SELECT min(t."at") FROM `order_transitions` t WHERE t."order_id" = `orders`."id" AND t."to_status" = 'delivered'),
	"created_at", "updated_at", "expires_at" FROM `orders`;--> statement-breakpoint
DROP TABLE `orders`;--> statement-breakpoint
ALTER TABLE `__new_orders` RENAME TO `orders`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `orders_reservation_uq` ON `orders` (`reservation_id`);--> statement-breakpoint
CREATE INDEX `orders_customer_idx` ON `orders` (`customer_id`,`id`);--> statement-breakpoint
CREATE INDEX `orders_pending_expiry_idx` ON `orders` (`expires_at`) WHERE status = 'pending_payment';
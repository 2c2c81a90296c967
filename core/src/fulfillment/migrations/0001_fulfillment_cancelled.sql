PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_shipments` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`carrier` text,
	`tracking_number` text,
	`shipping_method` text,
	`lines` text NOT NULL,
	`address` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`shipped_at` text,
	`delivered_at` text,
	CONSTRAINT "shipments_kind_ck" CHECK("__new_shipments"."kind" IN ('parcel', 'digital')),
	CONSTRAINT "shipments_status_ck" CHECK("__new_shipments"."status" IN ('pending', 'shipped', 'in_transit', 'delivered', 'failed', 'returned', 'cancelled'))
);
--> statement-breakpoint
INSERT INTO `__new_shipments`("id", "order_id", "customer_id", "kind", "status", "carrier", "tracking_number", "shipping_method", "lines", "address", "created_at", "updated_at", "shipped_at", "delivered_at") SELECT "id", "order_id", "customer_id", "kind", "status", "carrier", "tracking_number", "shipping_method", "lines", "address", "created_at", "updated_at", "shipped_at", "delivered_at" FROM `shipments`;--> statement-breakpoint
DROP TABLE `shipments`;--> statement-breakpoint
ALTER TABLE `__new_shipments` RENAME TO `shipments`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `shipments_order_uq` ON `shipments` (`order_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `shipments_tracking_uq` ON `shipments` (`carrier`,`tracking_number`);--> statement-breakpoint
CREATE INDEX `shipments_customer_idx` ON `shipments` (`customer_id`,`id`);
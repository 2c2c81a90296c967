CREATE TABLE `bus_inbox` (
	`consumer` text NOT NULL,
	`event_id` text NOT NULL,
	`processed_at` text NOT NULL,
	PRIMARY KEY(`consumer`, `event_id`)
);
--> statement-breakpoint
CREATE TABLE `bus_outbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`key` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` text NOT NULL,
	`sent_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`lease_until` integer DEFAULT 0 NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bus_outbox_id_uq` ON `bus_outbox` (`id`);--> statement-breakpoint
CREATE INDEX `bus_outbox_unsent_idx` ON `bus_outbox` (`seq`) WHERE sent_at IS NULL;--> statement-breakpoint
CREATE TABLE `carrier_events` (
	`carrier` text NOT NULL,
	`event_id` text NOT NULL,
	`tracking_number` text NOT NULL,
	`status` text NOT NULL,
	`outcome` text NOT NULL,
	`received_at` text NOT NULL,
	PRIMARY KEY(`carrier`, `event_id`)
);
--> statement-breakpoint
CREATE TABLE `shipment_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shipment_id` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`reason` text
);
--> statement-breakpoint
CREATE INDEX `shipment_history_shipment_idx` ON `shipment_history` (`shipment_id`,`id`);--> statement-breakpoint
CREATE TABLE `shipments` (
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
	CONSTRAINT "shipments_kind_ck" CHECK("shipments"."kind" IN ('parcel', 'digital')),
	CONSTRAINT "shipments_status_ck" CHECK("shipments"."status" IN ('pending', 'shipped', 'in_transit', 'delivered', 'failed', 'returned'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shipments_order_uq` ON `shipments` (`order_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `shipments_tracking_uq` ON `shipments` (`carrier`,`tracking_number`);--> statement-breakpoint
CREATE INDEX `shipments_customer_idx` ON `shipments` (`customer_id`,`id`);
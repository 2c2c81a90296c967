CREATE TABLE `ledger` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`sku` text NOT NULL,
	`warehouse` text NOT NULL,
	`slot` text DEFAULT '' NOT NULL,
	`kind` text NOT NULL,
	`quantity` integer NOT NULL,
	`reservation_id` text,
	`reason` text,
	`actor` text,
	CONSTRAINT "ledger_kind_ck" CHECK("ledger"."kind" IN ('received', 'adjusted', 'reserved', 'released', 'committed', 'expired')),
	CONSTRAINT "ledger_quantity_ck" CHECK(CASE WHEN "ledger"."kind" = 'adjusted' THEN "ledger"."quantity" <> 0 AND "ledger"."reason" IS NOT NULL AND "ledger"."actor" IS NOT NULL ELSE "ledger"."quantity" > 0 END)
);
--> statement-breakpoint
CREATE INDEX `ledger_sku_idx` ON `ledger` (`sku`,`id`);--> statement-breakpoint
CREATE TABLE `reservation_lines` (
	`reservation_id` text NOT NULL,
	`sku` text NOT NULL,
	`warehouse` text NOT NULL,
	`slot` text DEFAULT '' NOT NULL,
	`quantity` integer NOT NULL,
	PRIMARY KEY(`reservation_id`, `sku`, `warehouse`, `slot`),
	CONSTRAINT "reservation_lines_quantity_ck" CHECK("reservation_lines"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE `reservations` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`status` text NOT NULL,
	`lines_digest` text NOT NULL,
	`expires_at` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "reservations_status_ck" CHECK("reservations"."status" IN ('active', 'committed', 'released', 'expired'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reservations_order_uq` ON `reservations` (`order_id`);--> statement-breakpoint
CREATE INDEX `reservations_status_expires_idx` ON `reservations` (`status`,`expires_at`);--> statement-breakpoint
CREATE TABLE `skus` (
	`sku` text PRIMARY KEY NOT NULL,
	`policy` text NOT NULL,
	`slot_capacity` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "skus_policy_ck" CHECK("skus"."policy" IN ('tracked', 'unlimited', 'capacity')),
	CONSTRAINT "skus_slot_capacity_ck" CHECK(("skus"."policy" = 'capacity') = ("skus"."slot_capacity" IS NOT NULL) AND coalesce("skus"."slot_capacity", 0) BETWEEN 0 AND 1000000)
);
--> statement-breakpoint
CREATE TABLE `stock` (
	`sku` text NOT NULL,
	`warehouse` text NOT NULL,
	`slot` text DEFAULT '' NOT NULL,
	`bounded` integer NOT NULL,
	`on_hand` integer DEFAULT 0 NOT NULL,
	`reserved` integer DEFAULT 0 NOT NULL,
	`sold` integer DEFAULT 0 NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`sku`, `warehouse`, `slot`),
	CONSTRAINT "stock_bounded_ck" CHECK("stock"."bounded" IN (0, 1)),
	CONSTRAINT "stock_on_hand_ck" CHECK("stock"."on_hand" >= 0),
	CONSTRAINT "stock_reserved_ck" CHECK("stock"."reserved" >= 0),
	CONSTRAINT "stock_sold_ck" CHECK("stock"."sold" >= 0),
	CONSTRAINT "stock_no_oversell_ck" CHECK("stock"."bounded" = 0 OR "stock"."reserved" + "stock"."sold" <= "stock"."on_hand")
);

PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_ledger` (
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
	CONSTRAINT "ledger_kind_ck" CHECK("__new_ledger"."kind" IN ('received', 'adjusted', 'reserved', 'released', 'committed', 'expired', 'returned')),
	CONSTRAINT "ledger_quantity_ck" CHECK(CASE WHEN "__new_ledger"."kind" = 'adjusted' THEN "__new_ledger"."quantity" <> 0 AND "__new_ledger"."reason" IS NOT NULL AND "__new_ledger"."actor" IS NOT NULL ELSE "__new_ledger"."quantity" > 0 END)
);
--> statement-breakpoint
INSERT INTO `__new_ledger`("id", "at", "sku", "warehouse", "slot", "kind", "quantity", "reservation_id", "reason", "actor") SELECT "id", "at", "sku", "warehouse", "slot", "kind", "quantity", "reservation_id", "reason", "actor" FROM `ledger`;--> statement-breakpoint
DROP TABLE `ledger`;--> statement-breakpoint
ALTER TABLE `__new_ledger` RENAME TO `ledger`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `ledger_sku_idx` ON `ledger` (`sku`,`id`);--> statement-breakpoint
CREATE TABLE `__new_reservations` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`status` text NOT NULL,
	`lines_digest` text NOT NULL,
	`expires_at` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "reservations_status_ck" CHECK("__new_reservations"."status" IN ('active', 'committed', 'released', 'expired', 'returned'))
);
--> statement-breakpoint
INSERT INTO `__new_reservations`("id", "order_id", "status", "lines_digest", "expires_at", "created_at", "updated_at") SELECT "id", "order_id", "status", "lines_digest", "expires_at", "created_at", "updated_at" FROM `reservations`;--> statement-breakpoint
DROP TABLE `reservations`;--> statement-breakpoint
ALTER TABLE `__new_reservations` RENAME TO `reservations`;--> statement-breakpoint
CREATE UNIQUE INDEX `reservations_order_uq` ON `reservations` (`order_id`);--> statement-breakpoint
CREATE INDEX `reservations_status_expires_idx` ON `reservations` (`status`,`expires_at`);
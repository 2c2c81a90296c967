PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_payment_conflicts` (
	`payment_id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`gateway` text NOT NULL,
	`reference` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`reason` text NOT NULL,
	`at` text NOT NULL,
	`resolution` text,
	`refunded_amount` integer DEFAULT 0 NOT NULL,
	CONSTRAINT "payment_conflicts_resolution_ck" CHECK("__new_payment_conflicts"."resolution" IS NULL OR "__new_payment_conflicts"."resolution" IN ('revived', 'refund_requested', 'refunded'))
);
--> statement-breakpoint
INSERT INTO `__new_payment_conflicts`("payment_id", "order_id", "gateway", "reference", "amount", "currency", "reason", "at", "resolution", "refunded_amount") SELECT "payment_id", "order_id", "gateway", "reference", "amount", "currency", "reason", "at", NULL, 0 FROM `payment_conflicts`;--> statement-breakpoint
DROP TABLE `payment_conflicts`;--> statement-breakpoint
ALTER TABLE `__new_payment_conflicts` RENAME TO `payment_conflicts`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `payment_conflicts_order_idx` ON `payment_conflicts` (`order_id`);
CREATE TABLE `payment_refunds` (
	`idempotency_key` text PRIMARY KEY NOT NULL,
	`payment_id` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`reason` text NOT NULL,
	`status` text NOT NULL,
	`refund_id` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "payment_refunds_amount_ck" CHECK("payment_refunds"."amount" > 0),
	CONSTRAINT "payment_refunds_status_ck" CHECK("payment_refunds"."status" IN ('requested', 'succeeded', 'pending', 'failed'))
);
--> statement-breakpoint
CREATE INDEX `payment_refunds_payment_idx` ON `payment_refunds` (`payment_id`);
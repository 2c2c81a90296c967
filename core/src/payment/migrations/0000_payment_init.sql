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
CREATE TABLE `payments` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`gateway` text NOT NULL,
	`reference` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`refunded_amount` integer DEFAULT 0 NOT NULL,
	`settled_order_id` text,
	`redirect_url` text,
	`client_secret` text,
	`failure_reason` text,
	`idempotency_key` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "payments_status_ck" CHECK("payments"."status" IN ('created', 'requires_action', 'succeeded', 'failed', 'cancelled', 'partially_refunded', 'refunded')),
	CONSTRAINT "payments_amount_ck" CHECK("payments"."amount" > 0 AND "payments"."refunded_amount" BETWEEN 0 AND "payments"."amount")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payments_gateway_reference_uq` ON `payments` (`gateway`,`reference`);--> statement-breakpoint
CREATE UNIQUE INDEX `payments_idempotency_uq` ON `payments` (`idempotency_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `payments_settled_order_uq` ON `payments` (`settled_order_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payments_open_order_uq` ON `payments` (`order_id`) WHERE status IN ('created', 'requires_action');--> statement-breakpoint
CREATE TABLE `sandbox_deliveries` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` text NOT NULL,
	`body` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`delivered_at` integer,
	`last_error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sandbox_deliveries_event_uq` ON `sandbox_deliveries` (`event_id`);--> statement-breakpoint
CREATE TABLE `sandbox_refunds` (
	`idempotency_key` text PRIMARY KEY NOT NULL,
	`refund_id` text NOT NULL,
	`reference` text NOT NULL,
	`amount` integer NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sandbox_sessions` (
	`reference` text PRIMARY KEY NOT NULL,
	`idempotency_key` text NOT NULL,
	`payment_id` text NOT NULL,
	`order_id` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`return_url` text NOT NULL,
	`cancel_url` text NOT NULL,
	`status` text NOT NULL,
	`refunded_amount` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sandbox_sessions_idempotency_uq` ON `sandbox_sessions` (`idempotency_key`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`gateway` text NOT NULL,
	`event_id` text NOT NULL,
	`type` text NOT NULL,
	`reference` text NOT NULL,
	`outcome` text NOT NULL,
	`received_at` text NOT NULL,
	PRIMARY KEY(`gateway`, `event_id`)
);

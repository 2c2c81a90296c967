CREATE TABLE `activities` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`description` text NOT NULL,
	`badge` text NOT NULL,
	`banner_text` text NOT NULL,
	`time_zone` text NOT NULL,
	`starts_at_local` text NOT NULL,
	`ends_at_local` text NOT NULL,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`priority` integer NOT NULL,
	`enabled` integer NOT NULL,
	`deleted_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "activities_window_ck" CHECK("activities"."starts_at" < "activities"."ends_at")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `activities_slug_uq` ON `activities` (`slug`);--> statement-breakpoint
CREATE INDEX `activities_live_idx` ON `activities` (`ends_at`) WHERE enabled = 1 AND deleted_at IS NULL;--> statement-breakpoint
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
CREATE TABLE `coupons` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`activity_id` text NOT NULL,
	`max_redemptions` integer,
	`per_customer_limit` integer,
	`min_spend_amount` integer,
	`min_spend_currency` text,
	`starts_at` text,
	`ends_at` text,
	`enabled` integer NOT NULL,
	`redeemed` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "coupons_redeemed_ck" CHECK("coupons"."redeemed" >= 0 AND ("coupons"."max_redemptions" IS NULL OR "coupons"."redeemed" <= "coupons"."max_redemptions"))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `coupons_code_uq` ON `coupons` (`code`);--> statement-breakpoint
CREATE INDEX `coupons_activity_idx` ON `coupons` (`activity_id`,`id`);--> statement-breakpoint
CREATE TABLE `promotion_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	CONSTRAINT "promotion_state_one_ck" CHECK("promotion_state"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `redemptions` (
	`id` text PRIMARY KEY NOT NULL,
	`coupon_id` text NOT NULL,
	`code` text NOT NULL,
	`customer_id` text NOT NULL,
	`order_id` text NOT NULL,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`released_at` text,
	`release_reason` text,
	CONSTRAINT "redemptions_status_ck" CHECK("redemptions"."status" IN ('held', 'released'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `redemptions_order_uq` ON `redemptions` (`order_id`);--> statement-breakpoint
CREATE INDEX `redemptions_coupon_customer_idx` ON `redemptions` (`coupon_id`,`customer_id`,`status`);--> statement-breakpoint
CREATE TABLE `rules` (
	`id` text PRIMARY KEY NOT NULL,
	`activity_id` text NOT NULL,
	`label` text NOT NULL,
	`priority` integer NOT NULL,
	`coupon_only` integer NOT NULL,
	`kind` text NOT NULL,
	`spec` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rules_activity_idx` ON `rules` (`activity_id`,`id`);--> statement-breakpoint
INSERT INTO `promotion_state` (`id`, `version`) VALUES (1, 1);
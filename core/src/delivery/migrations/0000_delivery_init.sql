CREATE TABLE `delivery_files` (
	`variant_id` text PRIMARY KEY NOT NULL,
	`object_key` text NOT NULL,
	`file_name` text NOT NULL,
	`content_type` text NOT NULL,
	`bytes` integer NOT NULL,
	`sha256` text NOT NULL,
	`uploaded_at` text NOT NULL,
	`uploaded_by` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `download_links` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`title` text NOT NULL,
	`expires_at` text NOT NULL,
	`max_downloads` integer NOT NULL,
	`downloads` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text,
	CONSTRAINT "download_links_count_ck" CHECK("download_links"."downloads" >= 0 AND "download_links"."downloads" <= "download_links"."max_downloads")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `download_links_order_variant_uq` ON `download_links` (`order_id`,`variant_id`);--> statement-breakpoint
CREATE TABLE `license_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`variant_id` text NOT NULL,
	`key` text NOT NULL,
	`status` text NOT NULL,
	`order_id` text,
	`customer_id` text,
	`title` text,
	`added_at` text NOT NULL,
	`issued_at` text,
	`revoked_at` text,
	CONSTRAINT "license_keys_status_ck" CHECK("license_keys"."status" IN ('available', 'issued', 'revoked')),
	CONSTRAINT "license_keys_issued_ck" CHECK(("license_keys"."status" = 'available') = ("license_keys"."order_id" IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `license_keys_variant_key_uq` ON `license_keys` (`variant_id`,`key`);--> statement-breakpoint
CREATE INDEX `license_keys_pool_ix` ON `license_keys` (`variant_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `license_keys_order_ix` ON `license_keys` (`order_id`);
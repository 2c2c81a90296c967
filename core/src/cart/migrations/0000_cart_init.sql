CREATE TABLE `cart_lines` (
	`cart_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`added_at` text NOT NULL,
	PRIMARY KEY(`cart_id`, `variant_id`),
	CONSTRAINT "cart_lines_quantity_ck" CHECK("cart_lines"."quantity" BETWEEN 1 AND 99)
);
--> statement-breakpoint
CREATE TABLE `carts` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_kind` text NOT NULL,
	`owner_key` text NOT NULL,
	`currency` text NOT NULL,
	`revision` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`expires_at` text,
	CONSTRAINT "carts_owner_kind_ck" CHECK("carts"."owner_kind" IN ('customer', 'guest')),
	CONSTRAINT "carts_expiry_ck" CHECK(("carts"."owner_kind" = 'guest') = ("carts"."expires_at" IS NOT NULL)),
	CONSTRAINT "carts_currency_ck" CHECK(length("carts"."currency") = 3)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `carts_owner_uq` ON `carts` (`owner_kind`,`owner_key`);--> statement-breakpoint
CREATE INDEX `carts_expires_idx` ON `carts` (`expires_at`) WHERE "carts"."expires_at" IS NOT NULL;
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
CREATE TABLE `product_ratings` (
	`product_id` text PRIMARY KEY NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	`sum` integer DEFAULT 0 NOT NULL,
	`stars_1` integer DEFAULT 0 NOT NULL,
	`stars_2` integer DEFAULT 0 NOT NULL,
	`stars_3` integer DEFAULT 0 NOT NULL,
	`stars_4` integer DEFAULT 0 NOT NULL,
	`stars_5` integer DEFAULT 0 NOT NULL,
	`revision` integer DEFAULT 0 NOT NULL,
	CONSTRAINT "product_ratings_ck" CHECK("product_ratings"."count" >= 0 AND "product_ratings"."count" = "product_ratings"."stars_1" + "product_ratings"."stars_2" + "product_ratings"."stars_3" + "product_ratings"."stars_4" + "product_ratings"."stars_5")
);
--> statement-breakpoint
CREATE TABLE `review_purchases` (
	`customer_id` text NOT NULL,
	`product_id` text NOT NULL,
	`order_id` text NOT NULL,
	`product_slug` text NOT NULL,
	`product_title` text NOT NULL,
	`delivered_at` text NOT NULL,
	PRIMARY KEY(`customer_id`, `product_id`, `order_id`)
);
--> statement-breakpoint
CREATE INDEX `review_purchases_order_idx` ON `review_purchases` (`order_id`);--> statement-breakpoint
CREATE TABLE `review_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`review_id` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`reason` text
);
--> statement-breakpoint
CREATE INDEX `review_history_review_idx` ON `review_history` (`review_id`,`id`);--> statement-breakpoint
CREATE TABLE `review_reports` (
	`review_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`reason` text NOT NULL,
	`note` text,
	`at` text NOT NULL,
	PRIMARY KEY(`review_id`, `customer_id`)
);
--> statement-breakpoint
CREATE TABLE `review_votes` (
	`review_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`at` text NOT NULL,
	PRIMARY KEY(`review_id`, `customer_id`)
);
--> statement-breakpoint
CREATE TABLE `reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`product_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`order_id` text NOT NULL,
	`product_slug` text NOT NULL,
	`product_title` text NOT NULL,
	`author_name` text NOT NULL,
	`rating` integer NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`photos` text NOT NULL,
	`status` text NOT NULL,
	`hold_reasons` text NOT NULL,
	`moderation_reason` text,
	`helpful_count` integer DEFAULT 0 NOT NULL,
	`report_count` integer DEFAULT 0 NOT NULL,
	`open_reports` integer DEFAULT 0 NOT NULL,
	`reply_body` text,
	`reply_at` text,
	`reply_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`edited_at` text,
	CONSTRAINT "reviews_rating_ck" CHECK("reviews"."rating" BETWEEN 1 AND 5),
	CONSTRAINT "reviews_status_ck" CHECK("reviews"."status" IN ('published', 'held', 'rejected', 'hidden')),
	CONSTRAINT "reviews_counts_ck" CHECK("reviews"."helpful_count" >= 0 AND "reviews"."report_count" >= 0 AND "reviews"."open_reports" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reviews_product_customer_uq` ON `reviews` (`product_id`,`customer_id`);--> statement-breakpoint
CREATE INDEX `reviews_product_newest_idx` ON `reviews` (`product_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `reviews_product_helpful_idx` ON `reviews` (`product_id`,`status`,`helpful_count`,`id`);--> statement-breakpoint
CREATE INDEX `reviews_product_rating_idx` ON `reviews` (`product_id`,`status`,`rating`,`id`);--> statement-breakpoint
CREATE INDEX `reviews_customer_idx` ON `reviews` (`customer_id`,`id`);--> statement-breakpoint
CREATE INDEX `reviews_status_idx` ON `reviews` (`status`,`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `reviews_reported_idx` ON `reviews` (`open_reports`,`updated_at`,`id`);
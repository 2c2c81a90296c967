DROP INDEX `orders_customer_idx`;--> statement-breakpoint
CREATE INDEX `orders_created_idx` ON `orders` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_customer_created_idx` ON `orders` (`customer_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_status_created_idx` ON `orders` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_gateway_created_idx` ON `orders` (`payment_gateway`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `payment_conflicts_at_idx` ON `payment_conflicts` (`at`,`payment_id`);--> statement-breakpoint
CREATE INDEX `payment_conflicts_resolution_at_idx` ON `payment_conflicts` (`resolution`,`at`,`payment_id`);
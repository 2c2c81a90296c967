ALTER TABLE `cart_lines` ADD `added_price` integer;--> statement-breakpoint
ALTER TABLE `cart_lines` ADD `added_currency` text;--> statement-breakpoint
ALTER TABLE `cart_lines` ADD `added_price_at` text;
ALTER TABLE `orders` ADD `guest_email_hash` text;--> statement-breakpoint
CREATE INDEX `orders_guest_email_idx` ON `orders` (`guest_email_hash`) WHERE guest_email_hash IS NOT NULL;
CREATE TABLE `pending_signups` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`email_key` text NOT NULL,
	`name` text NOT NULL,
	`password_hash` text NOT NULL,
	`expires_at` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `pending_signups_email_idx` ON `pending_signups` (`email_key`);--> statement-breakpoint
CREATE INDEX `pending_signups_expiry_idx` ON `pending_signups` (`expires_at`);
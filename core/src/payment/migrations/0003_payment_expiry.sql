ALTER TABLE `payments` ADD `expires_at` text;--> statement-breakpoint
ALTER TABLE `sandbox_sessions` ADD `expires_at` text;
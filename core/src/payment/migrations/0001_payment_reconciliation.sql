CREATE TABLE `reconciliation_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`trigger` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text NOT NULL,
	`checked` integer NOT NULL,
	`settled` integer NOT NULL,
	`still_pending` integer NOT NULL,
	`errors` integer NOT NULL,
	`details` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `payments_waiting_idx` ON `payments` (`created_at`) WHERE status IN ('created', 'requires_action');
CREATE INDEX `shipments_created_idx` ON `shipments` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `shipments_status_created_idx` ON `shipments` (`status`,`created_at`,`id`);
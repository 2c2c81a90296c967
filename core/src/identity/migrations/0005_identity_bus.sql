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
-- Mail still waiting for its delivery goes out through the bus's mailer from now on.
INSERT OR IGNORE INTO `bus_outbox` (`id`, `type`, `key`, `payload`, `created_at`)
SELECT 'evt_mail_' || `id`, 'identity.mail_queued', `id`,
	json_object('id', 'evt_mail_' || `id`, 'type', 'identity.mail_queued', 'source', 'identity', 'key', `id`,
		'occurredAt', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'data', json_object('mailId', `id`)),
	strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM `mail_outbox` WHERE `sent_at` IS NULL ORDER BY `created_at`;

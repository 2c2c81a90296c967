CREATE TABLE `support_articles` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`topic` text NOT NULL,
	`keywords` text NOT NULL,
	`canned` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL,
	CONSTRAINT "support_articles_topic_ck" CHECK("support_articles"."topic" IN ('shipping', 'returns', 'payment', 'other'))
);
--> statement-breakpoint
CREATE INDEX `support_articles_topic_idx` ON `support_articles` (`topic`,`title`);--> statement-breakpoint
CREATE TABLE `support_bot_state` (
	`conversation_id` text PRIMARY KEY NOT NULL,
	`unsure` integer DEFAULT 0 NOT NULL,
	`handed_over_at` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
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
CREATE TABLE `support_conversation_orders` (
	`order_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`closed_at` text NOT NULL,
	PRIMARY KEY(`order_id`, `conversation_id`)
);
--> statement-breakpoint
CREATE INDEX `support_conversation_orders_conversation_idx` ON `support_conversation_orders` (`conversation_id`);--> statement-breakpoint
CREATE TABLE `support_conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text,
	`guest_id` text,
	`opened_at` text NOT NULL,
	`closed_at` text NOT NULL,
	`agent_ids` text NOT NULL,
	`message_count` integer NOT NULL,
	`preview` text NOT NULL,
	`stored_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `support_conversations_customer_idx` ON `support_conversations` (`customer_id`,`closed_at`,`id`);--> statement-breakpoint
CREATE INDEX `support_conversations_guest_idx` ON `support_conversations` (`guest_id`,`closed_at`,`id`);--> statement-breakpoint
CREATE TABLE `support_messages` (
	`conversation_id` text NOT NULL,
	`seq` integer NOT NULL,
	`author` text NOT NULL,
	`entry` text NOT NULL,
	PRIMARY KEY(`conversation_id`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `support_ticket_replies` (
	`id` text PRIMARY KEY NOT NULL,
	`ticket_id` text NOT NULL,
	`by` text NOT NULL,
	`message` text NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `support_ticket_replies_ticket_idx` ON `support_ticket_replies` (`ticket_id`,`at`);--> statement-breakpoint
CREATE TABLE `support_tickets` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text,
	`email` text NOT NULL,
	`name` text,
	`subject` text NOT NULL,
	`message` text NOT NULL,
	`conversation_id` text,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "support_tickets_status_ck" CHECK("support_tickets"."status" IN ('open', 'answered', 'closed'))
);
--> statement-breakpoint
CREATE INDEX `support_tickets_status_idx` ON `support_tickets` (`status`,`id`);
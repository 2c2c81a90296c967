CREATE TABLE `bootstrap_steps` (
	`step` text PRIMARY KEY NOT NULL,
	`user_id` text,
	`done_at` text NOT NULL
);

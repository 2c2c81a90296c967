CREATE TABLE `login_known_ips` (
	`user_id` text NOT NULL,
	`ip_hash` text NOT NULL,
	`last_success_at` text NOT NULL,
	PRIMARY KEY(`user_id`, `ip_hash`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);

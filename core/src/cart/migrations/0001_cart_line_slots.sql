PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_cart_lines` (
	`cart_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`slot` text DEFAULT '' NOT NULL,
	`quantity` integer NOT NULL,
	`added_at` text NOT NULL,
	PRIMARY KEY(`cart_id`, `variant_id`, `slot`),
	CONSTRAINT "cart_lines_quantity_ck" CHECK("__new_cart_lines"."quantity" BETWEEN 1 AND 99),
	CONSTRAINT "cart_lines_slot_ck" CHECK("__new_cart_lines"."slot" = '' OR length("__new_cart_lines"."slot") = 24)
);
--> statement-breakpoint
-- Hand-edited: the old table has no slot column; every existing line is an unbooked one ('').
INSERT INTO `__new_cart_lines`("cart_id", "variant_id", "quantity", "added_at") SELECT "cart_id", "variant_id", "quantity", "added_at" FROM `cart_lines`;--> statement-breakpoint
DROP TABLE `cart_lines`;--> statement-breakpoint
ALTER TABLE `__new_cart_lines` RENAME TO `cart_lines`;--> statement-breakpoint
PRAGMA foreign_keys=ON;
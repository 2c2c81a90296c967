ALTER TABLE `products` ADD `rating_histogram` text DEFAULT '[0,0,0,0,0]' NOT NULL;--> statement-breakpoint
ALTER TABLE `products` ADD `rating_revision` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Ratings come only from real reviews now: the seed's made-up numbers go (issue 12).
UPDATE `products` SET `rating_avg` = NULL, `rating_count` = 0;
--> statement-breakpoint
-- Every cache keyed on the catalog version (the core's, Redis, the edge's) drops the old numbers.
UPDATE `catalog_meta` SET `version` = `version` + 1;

CREATE TABLE `catalog_markets` (
	`id` integer PRIMARY KEY NOT NULL,
	`list` text NOT NULL
);
--> statement-breakpoint
-- The markets a shop starts with (DEFAULT_MARKETS in packages/contracts/src/market.ts); staff change them with PUT /catalog/admin/markets.
INSERT INTO `catalog_markets` (`id`, `list`) VALUES (1, '{"defaultCode":"us","items":[{"code":"us","name":"United States","currency":"USD","locale":"en-US","hreflang":"en-US","countries":["US"]},{"code":"eu","name":"Eurozone","currency":"EUR","locale":"en-IE","hreflang":"en-IE","countries":["AT","BE","CY","DE","EE","ES","FI","FR","GR","HR","IE","IT","LT","LU","LV","MT","NL","PT","SI","SK"]},{"code":"uk","name":"United Kingdom","currency":"GBP","locale":"en-GB","hreflang":"en-GB","countries":["GB"]}]}');
--> statement-breakpoint
UPDATE `catalog_meta` SET `version` = `version` + 1;

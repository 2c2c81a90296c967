-- catalog.* events now travel on the bus (bus_outbox, 0002). Events the edge had not yet
-- acknowledged move there in the bus's envelope, the version inside their data, so none is lost.
INSERT OR IGNORE INTO `bus_outbox` (`id`, `type`, `key`, `payload`, `created_at`)
SELECT `id`, `type`, 'catalog',
	json_object('id', `id`, 'type', `type`, 'occurredAt', json_extract(`payload`, '$.occurredAt'),
		'source', 'catalog', 'key', 'catalog',
		'data', json_patch(json_extract(`payload`, '$.data'), json_object('version', json_extract(`payload`, '$.version')))),
	`created_at`
FROM `outbox` WHERE `delivered_at` IS NULL ORDER BY `seq`;
--> statement-breakpoint
DROP TABLE `outbox`;
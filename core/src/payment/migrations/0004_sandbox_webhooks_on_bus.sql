-- The sandbox's webhooks ride the bus now (payment/sandbox/webhooks.ts): those not yet delivered
-- move to the outbox as sandbox.webhook events, so none is lost.
INSERT OR IGNORE INTO `bus_outbox` (`id`, `type`, `key`, `payload`, `created_at`)
SELECT 'evt_sbx_' || `event_id`, 'sandbox.webhook', json_extract(`body`, '$.data.reference'),
	json_object('id', 'evt_sbx_' || `event_id`, 'type', 'sandbox.webhook', 'source', 'payment',
		'key', json_extract(`body`, '$.data.reference'),
		'occurredAt', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
		'data', json_object('body', `body`)),
	strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM `sandbox_deliveries` WHERE `delivered_at` IS NULL ORDER BY `seq`;
--> statement-breakpoint
DROP TABLE `sandbox_deliveries`;

-- Envelopes still waiting in the relay's own outbox become `relay.deliver` jobs (jobs port).
INSERT INTO `jobs` (`id`, `brand_id`, `kind`, `payload`, `attempts`, `due_at`, `lease_until`, `last_error`, `created_at`)
SELECT `id`, `brand_id`, 'relay.deliver',
	json_object('id', `id`, 'eventId', `event_id`, 'brandId', `brand_id`, 'kind', `kind`,
		'connectorId', `connector_id`, 'createdAt', `created_at`, 'expiresAt', `expires_at`, 'ciphertext', `ciphertext`),
	`attempts`, `due_at`, 0, `last_error`, `created_at`
FROM `relay_outbox`;
--> statement-breakpoint
DROP TABLE `relay_outbox`;

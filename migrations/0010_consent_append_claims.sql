ALTER TABLE `consent_confirmations` ADD `basis_seq` integer;--> statement-breakpoint
CREATE INDEX `consent_events_unsealed_idx` ON `consent_events` (`brand_id`,`seq`) WHERE hash = '';
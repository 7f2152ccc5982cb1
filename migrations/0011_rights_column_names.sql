ALTER TABLE `rights_erasures` RENAME COLUMN "email_hash" TO "contact_proof";--> statement-breakpoint
ALTER TABLE `rights_settings` RENAME COLUMN "keep_email_hash" TO "keep_contact_proof";--> statement-breakpoint
DROP INDEX `rights_erasures_brand_email_idx`;--> statement-breakpoint
CREATE INDEX `rights_erasures_brand_proof_idx` ON `rights_erasures` (`brand_id`,`contact_proof`);
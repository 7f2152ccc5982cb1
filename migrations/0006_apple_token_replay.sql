CREATE TABLE `apple_token_uses` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`brand_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `apple_token_uses_expires_idx` ON `apple_token_uses` (`expires_at`);--> statement-breakpoint
ALTER TABLE `brands` ADD `require_nonce` integer DEFAULT false NOT NULL;
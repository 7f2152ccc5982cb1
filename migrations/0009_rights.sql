CREATE TABLE `rights_erasures` (
	`id` text PRIMARY KEY NOT NULL,
	`brand_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`source` text NOT NULL,
	`status` text NOT NULL,
	`steps` text NOT NULL,
	`email_hash` text,
	`requested_at` integer NOT NULL,
	`erased_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rights_erasures_brand_customer_idx` ON `rights_erasures` (`brand_id`,`customer_id`);--> statement-breakpoint
CREATE INDEX `rights_erasures_brand_email_idx` ON `rights_erasures` (`brand_id`,`email_hash`);--> statement-breakpoint
CREATE TABLE `rights_settings` (
	`brand_id` text PRIMARY KEY NOT NULL,
	`keep_email_hash` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action
);

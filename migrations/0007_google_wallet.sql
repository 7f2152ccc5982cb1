CREATE TABLE `google_wallet_issuers` (
	`brand_id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`issuer_id` text NOT NULL,
	`definition` text NOT NULL,
	`sealed_key` text NOT NULL,
	`class_version` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `google_wallet_objects` (
	`brand_id` text NOT NULL,
	`card_id` text NOT NULL,
	`inserted` integer DEFAULT false NOT NULL,
	`sent_points` integer,
	`notified_at` text DEFAULT '[]' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`brand_id`, `card_id`),
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`card_id`) REFERENCES `cards`(`id`) ON UPDATE no action ON DELETE no action
);

CREATE TABLE `relay_connectors` (
	`id` text PRIMARY KEY NOT NULL,
	`brand_id` text NOT NULL,
	`type` text NOT NULL,
	`label` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`disabled_reason` text,
	`settings` text NOT NULL,
	`sealed_secrets` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `relay_connectors_brand_idx` ON `relay_connectors` (`brand_id`);--> statement-breakpoint
CREATE TABLE `relay_dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`brand_id` text NOT NULL,
	`event_id` text NOT NULL,
	`kind` text NOT NULL,
	`connector_id` text NOT NULL,
	`attempts` integer NOT NULL,
	`last_error` text NOT NULL,
	`ciphertext` text,
	`created_at` integer NOT NULL,
	`dead_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `relay_dead_letters_brand_idx` ON `relay_dead_letters` (`brand_id`,`dead_at`);--> statement-breakpoint
CREATE TABLE `relay_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`brand_id` text NOT NULL,
	`event_id` text NOT NULL,
	`kind` text NOT NULL,
	`connector_id` text NOT NULL,
	`ciphertext` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`due_at` integer NOT NULL,
	`lease_until` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `relay_outbox_due_idx` ON `relay_outbox` (`brand_id`,`due_at`);
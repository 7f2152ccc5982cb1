CREATE TABLE `apple_device_logs` (
	`id` text PRIMARY KEY NOT NULL,
	`brand_id` text NOT NULL,
	`message` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `apple_device_logs_brand_idx` ON `apple_device_logs` (`brand_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `apple_devices` (
	`brand_id` text NOT NULL,
	`device_library_id` text NOT NULL,
	`push_token` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`brand_id`, `device_library_id`),
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `apple_pass_images` (
	`brand_id` text NOT NULL,
	`slot` text NOT NULL,
	`png` text NOT NULL,
	`sha1` text NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`bytes` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`brand_id`, `slot`),
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `apple_pass_templates` (
	`brand_id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`definition` text NOT NULL,
	`pass_type_id` text NOT NULL,
	`team_id` text NOT NULL,
	`sealed_credentials` text NOT NULL,
	`certificate_not_after` integer NOT NULL,
	`apns_auth` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `apple_pass_templates_pass_type_idx` ON `apple_pass_templates` (`pass_type_id`);--> statement-breakpoint
CREATE TABLE `apple_passes` (
	`serial` text PRIMARY KEY NOT NULL,
	`brand_id` text NOT NULL,
	`card_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`updated_s` integer NOT NULL,
	`voided` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`card_id`) REFERENCES `cards`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `apple_passes_card_uq` ON `apple_passes` (`brand_id`,`card_id`);--> statement-breakpoint
CREATE TABLE `apple_registrations` (
	`brand_id` text NOT NULL,
	`device_library_id` text NOT NULL,
	`serial` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`brand_id`, `device_library_id`, `serial`),
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`serial`) REFERENCES `apple_passes`(`serial`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `apple_registrations_serial_idx` ON `apple_registrations` (`serial`);
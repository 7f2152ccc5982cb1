CREATE TABLE `consent_confirmations` (
	`id` text PRIMARY KEY NOT NULL,
	`brand_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`purpose` text NOT NULL,
	`notice_version` text NOT NULL,
	`jurisdiction` text NOT NULL,
	`layout_id` text,
	`requested_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`confirmed_at` integer,
	`cancelled_at` integer,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `consent_confirmations_brand_customer_idx` ON `consent_confirmations` (`brand_id`,`customer_id`);--> statement-breakpoint
CREATE TABLE `consent_events` (
	`id` text PRIMARY KEY NOT NULL,
	`brand_id` text NOT NULL,
	`seq` integer NOT NULL,
	`customer_id` text NOT NULL,
	`purpose` text NOT NULL,
	`action` text NOT NULL,
	`method` text NOT NULL,
	`notice_version` text NOT NULL,
	`jurisdiction` text NOT NULL,
	`layout_id` text,
	`gpc` integer NOT NULL,
	`ip_prefix` text,
	`ua_family` text,
	`recorded_at` integer NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `consent_events_brand_seq_uq` ON `consent_events` (`brand_id`,`seq`);--> statement-breakpoint
CREATE INDEX `consent_events_brand_customer_idx` ON `consent_events` (`brand_id`,`customer_id`);--> statement-breakpoint
CREATE TABLE `consent_purposes` (
	`brand_id` text NOT NULL,
	`purpose` text NOT NULL,
	`label` text,
	`crm_channel` text NOT NULL,
	`crm_purpose` text NOT NULL,
	`double_opt_in` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`brand_id`, `purpose`),
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `layouts` (
	`id` text PRIMARY KEY NOT NULL,
	`brand_id` text NOT NULL,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`fields` text NOT NULL,
	`purposes` text NOT NULL,
	`template_id` text NOT NULL,
	`locales` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `layouts_brand_slug_uq` ON `layouts` (`brand_id`,`slug`);--> statement-breakpoint
CREATE TABLE `receipt_keys` (
	`brand_id` text PRIMARY KEY NOT NULL,
	`kid` text NOT NULL,
	`public_jwk` text NOT NULL,
	`sealed_private_jwk` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `receipt_keys_kid_unique` ON `receipt_keys` (`kid`);--> statement-breakpoint
CREATE TABLE `cards` (
	`id` text PRIMARY KEY NOT NULL,
	`brand_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`points` integer DEFAULT 0 NOT NULL,
	`lifetime_points` integer DEFAULT 0 NOT NULL,
	`last_totp_step` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "cards_points_non_negative" CHECK("cards"."points" >= 0),
	CONSTRAINT "cards_lifetime_non_negative" CHECK("cards"."lifetime_points" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cards_brand_customer_uq` ON `cards` (`brand_id`,`customer_id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`brand_id` text NOT NULL,
	`owner` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`state` text NOT NULL,
	`token` text NOT NULL,
	`entry_id` text,
	`problem_code` text,
	`problem_detail` text,
	`locked_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`brand_id`, `owner`, `key`),
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `ledger_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`brand_id` text NOT NULL,
	`card_id` text NOT NULL,
	`kind` text NOT NULL,
	`points` integer NOT NULL,
	`balance_after` integer NOT NULL,
	`amount_minor` integer,
	`currency` text,
	`receipt_ref` text,
	`voucher_id` text,
	`reverses_entry_id` text,
	`store_id` text,
	`device_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`card_id`) REFERENCES `cards`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ledger_brand_card_idx` ON `ledger_entries` (`brand_id`,`card_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_reverses_uq` ON `ledger_entries` (`reverses_entry_id`);--> statement-breakpoint
CREATE TABLE `loyalty_rules` (
	`brand_id` text PRIMARY KEY NOT NULL,
	`currency` text NOT NULL,
	`milli_points_per_unit` integer NOT NULL,
	`rounding` text NOT NULL,
	`voucher_ttl_days` integer NOT NULL,
	`tiers` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `rewards` (
	`id` text PRIMARY KEY NOT NULL,
	`brand_id` text NOT NULL,
	`label` text NOT NULL,
	`cost_points` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`retired_at` integer,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rewards_brand_idx` ON `rewards` (`brand_id`);--> statement-breakpoint
CREATE TABLE `vouchers` (
	`id` text PRIMARY KEY NOT NULL,
	`brand_id` text NOT NULL,
	`card_id` text NOT NULL,
	`reward_id` text NOT NULL,
	`label` text NOT NULL,
	`status` text NOT NULL,
	`issued_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`redeemed_at` integer,
	`redeemed_entry_id` text,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`card_id`) REFERENCES `cards`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reward_id`) REFERENCES `rewards`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `vouchers_brand_card_idx` ON `vouchers` (`brand_id`,`card_id`,`status`);--> statement-breakpoint
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
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
CREATE INDEX `vouchers_brand_card_idx` ON `vouchers` (`brand_id`,`card_id`,`status`);
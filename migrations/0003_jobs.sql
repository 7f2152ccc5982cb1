CREATE TABLE `job_dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`brand_id` text NOT NULL,
	`kind` text NOT NULL,
	`job_id` text NOT NULL,
	`payload` text NOT NULL,
	`attempts` integer NOT NULL,
	`last_error` text NOT NULL,
	`created_at` integer NOT NULL,
	`dead_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `job_dead_letters_brand_idx` ON `job_dead_letters` (`brand_id`,`dead_at`);--> statement-breakpoint
CREATE TABLE `job_keys` (
	`brand_id` text NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`job_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`brand_id`, `kind`, `key`)
);
--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`brand_id` text NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`coalesce_key` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`due_at` integer NOT NULL,
	`lease_until` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `jobs_due_idx` ON `jobs` (`due_at`,`lease_until`);--> statement-breakpoint
CREATE INDEX `jobs_brand_due_idx` ON `jobs` (`brand_id`,`due_at`);
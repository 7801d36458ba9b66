CREATE TABLE `admin_login_attempts` (
	`id` integer PRIMARY KEY NOT NULL,
	`ts` integer NOT NULL,
	`ip` text,
	`ok` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `admin_login_attempts_ts_idx` ON `admin_login_attempts` (`ts`);--> statement-breakpoint
CREATE TABLE `admin_password` (
	`id` integer PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `admin_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `admin_sessions_expires_idx` ON `admin_sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `admin_setup_tokens` (
	`hash` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer
);

CREATE TABLE `accounts` (
	`provider` text NOT NULL,
	`account_id` text NOT NULL,
	`label` text,
	`secret` blob,
	`key_id` text,
	`state` text DEFAULT 'active' NOT NULL,
	`state_until` integer,
	`meta` text,
	`created_at` integer DEFAULT 0 NOT NULL,
	`updated_at` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`provider`, `account_id`)
);
--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`scopes` text,
	`limits` text,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`revoked_at` integer,
	`last_used_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_uq` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_prefix_idx` ON `api_keys` (`prefix`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY NOT NULL,
	`ts` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`target` text,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_ts_idx` ON `audit_log` (`ts`);--> statement-breakpoint
CREATE INDEX `audit_log_action_idx` ON `audit_log` (`action`);--> statement-breakpoint
CREATE TABLE `request_bodies` (
	`request_id` text PRIMARY KEY NOT NULL,
	`ts` integer NOT NULL,
	`request` text,
	`response` text
);
--> statement-breakpoint
CREATE INDEX `request_bodies_ts_idx` ON `request_bodies` (`ts`);--> statement-breakpoint
CREATE TABLE `usage` (
	`id` integer PRIMARY KEY NOT NULL,
	`request_id` text NOT NULL,
	`ts` integer NOT NULL,
	`key_id` text,
	`dialect` text NOT NULL,
	`operation` text NOT NULL,
	`model_requested` text NOT NULL,
	`provider` text,
	`account` text,
	`upstream_model` text,
	`status` text NOT NULL,
	`http_status` integer NOT NULL,
	`error_code` text,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`cached_tokens` integer DEFAULT 0 NOT NULL,
	`reasoning_tokens` integer DEFAULT 0 NOT NULL,
	`estimated` integer DEFAULT false NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`latency_ms` integer DEFAULT 0 NOT NULL,
	`ttft_ms` integer,
	`attempts` integer DEFAULT 1 NOT NULL,
	`stream` integer DEFAULT false NOT NULL,
	`cached` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX `usage_ts_idx` ON `usage` (`ts`);--> statement-breakpoint
CREATE INDEX `usage_key_ts_idx` ON `usage` (`key_id`,`ts`);--> statement-breakpoint
CREATE INDEX `usage_provider_ts_idx` ON `usage` (`provider`,`ts`);--> statement-breakpoint
CREATE INDEX `usage_request_idx` ON `usage` (`request_id`);
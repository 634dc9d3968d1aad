CREATE TABLE `offline_verifiers` (
	`user_id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`verifier` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sync_notices` (
	`id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`report_id` text,
	`report_code` text,
	`mutation_name` text NOT NULL,
	`what` text NOT NULL,
	`message` text NOT NULL,
	`acknowledged_at` integer
);
--> statement-breakpoint
CREATE TABLE `sync_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`server_url` text NOT NULL,
	`client_id` text NOT NULL,
	`replica_tag` text,
	`token` text,
	`token_user_id` text,
	`cursor` integer DEFAULT 0 NOT NULL,
	`acked_seq` integer DEFAULT 0 NOT NULL,
	`last_sync_at` integer,
	`last_error` text,
	`bootstrapping` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE `outbox` ADD `undo` text;
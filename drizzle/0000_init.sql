CREATE TABLE `attachments` (
	`id` text PRIMARY KEY NOT NULL,
	`report_seq` integer NOT NULL,
	`sha256` text NOT NULL,
	`file_name` text NOT NULL,
	`mime` text NOT NULL,
	`size` integer NOT NULL,
	`has_thumb` integer DEFAULT false NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `attachments_report` ON `attachments` (`report_seq`);--> statement-breakpoint
CREATE INDEX `attachments_sha256` ON `attachments` (`sha256`);--> statement-breakpoint
CREATE TABLE `categories` (
	`id` text PRIMARY KEY NOT NULL,
	`parent_id` text,
	`name` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`days_to_close` integer,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `code_counters` (
	`year` integer PRIMARY KEY NOT NULL,
	`last_seq` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `credentials` (
	`user_id` text PRIMARY KEY NOT NULL,
	`password_hash` text NOT NULL,
	`changed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `group_members` (
	`group_id` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`group_id`, `user_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `group_members_user` ON `group_members` (`user_id`);--> statement-breakpoint
CREATE TABLE `groups` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `log_entries` (
	`report_seq` integer NOT NULL,
	`id` text NOT NULL,
	`at` integer NOT NULL,
	`actor_id` text NOT NULL,
	`kind` text NOT NULL,
	`action` text NOT NULL,
	`data` text,
	`text` text,
	`mentions` text,
	PRIMARY KEY(`report_seq`, `id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mutation_id` text NOT NULL,
	`name` text NOT NULL,
	`args` text NOT NULL,
	`actor_id` text NOT NULL,
	`at` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_mutation_id_unique` ON `outbox` (`mutation_id`);--> statement-breakpoint
CREATE TABLE `outcomes` (
	`id` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`kind` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `report_assignments` (
	`report_seq` integer NOT NULL,
	`kind` text NOT NULL,
	`assignee_id` text NOT NULL,
	`assigned_at` integer NOT NULL,
	`assigned_by` text NOT NULL,
	PRIMARY KEY(`report_seq`, `kind`, `assignee_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `report_assignments_assignee` ON `report_assignments` (`assignee_id`,`report_seq`);--> statement-breakpoint
CREATE TABLE `report_codes` (
	`code` text PRIMARY KEY NOT NULL,
	`report_id` text NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `report_reporters` (
	`report_seq` integer NOT NULL,
	`reporter_id` text NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`report_seq`, `reporter_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `report_reporters_reporter` ON `report_reporters` (`reporter_id`);--> statement-breakpoint
CREATE TABLE `reporters` (
	`id` text PRIMARY KEY NOT NULL,
	`nome` text NOT NULL,
	`cognome` text NOT NULL,
	`email` text,
	`telefono` text,
	`codice_fiscale` text,
	`indirizzo` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reporters_cognome` ON `reporters` ("cognome" COLLATE NOCASE,"nome" COLLATE NOCASE);--> statement-breakpoint
CREATE INDEX `reporters_nome` ON `reporters` ("nome" COLLATE NOCASE);--> statement-breakpoint
CREATE INDEX `reporters_email` ON `reporters` (`email`);--> statement-breakpoint
CREATE INDEX `reporters_telefono` ON `reporters` (`telefono`);--> statement-breakpoint
CREATE TABLE `reports` (
	`seq` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`code` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`category_id` text,
	`address` text DEFAULT '' NOT NULL,
	`lat` real,
	`lon` real,
	`channel` text NOT NULL,
	`status` text NOT NULL,
	`outcome_id` text,
	`closing_note` text,
	`priority` text DEFAULT 'normale' NOT NULL,
	`due_at` integer,
	`merged_into` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`closed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reports_id` ON `reports` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `reports_code` ON `reports` (`code`);--> statement-breakpoint
CREATE INDEX `reports_open_created` ON `reports` (`created_at`) WHERE status IN ('nuovo','in_gestione');--> statement-breakpoint
CREATE INDEX `reports_status_created` ON `reports` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `reports_category_created` ON `reports` (`category_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `reports_open_due` ON `reports` (`due_at`) WHERE status IN ('nuovo','in_gestione') AND due_at IS NOT NULL;--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sessions_user` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`full_name` text NOT NULL,
	`email` text,
	`role` text NOT NULL,
	`can_reply` integer DEFAULT false NOT NULL,
	`major_edits` integer DEFAULT false NOT NULL,
	`sees_reporter_data` integer DEFAULT false NOT NULL,
	`statistics` integer DEFAULT false NOT NULL,
	`export` integer DEFAULT false NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`notify_by_email` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username` ON `users` (`username`);
CREATE TABLE `mail_notify_rules` (
	`kind` text NOT NULL,
	`category_id` text DEFAULT '' NOT NULL,
	`enabled` integer NOT NULL,
	PRIMARY KEY(`kind`, `category_id`)
);
--> statement-breakpoint
CREATE TABLE `mail_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`report_id` text,
	`kind` text NOT NULL,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`html` text,
	`message_id` text NOT NULL,
	`headers` text DEFAULT '{}' NOT NULL,
	`attachments` text DEFAULT '[]' NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`sending_since` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE INDEX `mail_outbox_due` ON `mail_outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `mail_outbox_report` ON `mail_outbox` (`report_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `mail_smtp` (
	`id` integer PRIMARY KEY NOT NULL,
	`host` text NOT NULL,
	`port` integer NOT NULL,
	`security` text DEFAULT 'starttls' NOT NULL,
	`username` text DEFAULT '' NOT NULL,
	`password_sealed` text DEFAULT '' NOT NULL,
	`from_address` text NOT NULL,
	`from_name` text NOT NULL,
	`reply_to` text,
	`enabled` integer DEFAULT true NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `mail_templates` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`updated_at` integer NOT NULL
);

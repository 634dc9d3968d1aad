CREATE TABLE `mail_folder_state` (
	`mailbox_id` text NOT NULL,
	`folder` text NOT NULL,
	`uid_validity` text NOT NULL,
	`last_uid` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`mailbox_id`, `folder`)
);
--> statement-breakpoint
CREATE TABLE `mail_mailboxes` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text DEFAULT 'ordinary' NOT NULL,
	`host` text NOT NULL,
	`port` integer NOT NULL,
	`security` text DEFAULT 'tls' NOT NULL,
	`username` text NOT NULL,
	`password_sealed` text NOT NULL,
	`folder` text DEFAULT 'INBOX' NOT NULL,
	`processed_folder` text,
	`processed_flag` text DEFAULT '$SportelloAcquisito' NOT NULL,
	`poll_seconds` integer DEFAULT 120 NOT NULL,
	`use_idle` integer DEFAULT true NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `mail_messages` (
	`mailbox_id` text NOT NULL,
	`mail_key` text NOT NULL,
	`message_id` text,
	`kind` text NOT NULL,
	`report_id` text,
	`at` integer NOT NULL,
	PRIMARY KEY(`mailbox_id`, `mail_key`)
);
--> statement-breakpoint
CREATE INDEX `mail_messages_message_id` ON `mail_messages` (`mailbox_id`,`message_id`);
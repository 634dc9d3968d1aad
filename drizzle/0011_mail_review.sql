CREATE TABLE `mail_review` (
	`mailbox_id` text NOT NULL,
	`mail_key` text NOT NULL,
	`report_id` text NOT NULL,
	`received_at` integer NOT NULL,
	`args` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`note` text,
	PRIMARY KEY(`mailbox_id`, `mail_key`)
);
--> statement-breakpoint
CREATE INDEX `mail_review_status` ON `mail_review` (`status`,`received_at`);--> statement-breakpoint
ALTER TABLE `mail_mailboxes` ADD `review_inbox` integer DEFAULT false NOT NULL;
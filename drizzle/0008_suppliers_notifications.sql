CREATE TABLE `address_book` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`organisation` text DEFAULT '' NOT NULL,
	`email` text NOT NULL,
	`category_ids` text DEFAULT '[]' NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `address_book_name` ON `address_book` (`name`);--> statement-breakpoint
CREATE TABLE `notification_reads` (
	`user_id` text NOT NULL,
	`entry_id` text NOT NULL,
	`read_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `entry_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `log_entries_assigned` ON `log_entries` (json_extract("data", '$.assigneeId'),`at`) WHERE action = 'assigned';--> statement-breakpoint
CREATE INDEX `log_entries_mentions` ON `log_entries` (`at`) WHERE mentions IS NOT NULL;
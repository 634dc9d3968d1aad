CREATE TABLE `report_activities` (
	`report_seq` integer NOT NULL,
	`id` text NOT NULL,
	`series_id` text,
	`occurrence_start` integer,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`assignee_kind` text,
	`assignee_id` text,
	`start_at` integer NOT NULL,
	`duration_min` integer NOT NULL,
	`status` text NOT NULL,
	`completion_note` text,
	`recurrence` text,
	`ends_at` integer,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`report_seq`, `id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `report_activities_start` ON `report_activities` (`start_at`) WHERE recurrence IS NULL;--> statement-breakpoint
CREATE INDEX `report_activities_series` ON `report_activities` (`ends_at`) WHERE recurrence IS NOT NULL;--> statement-breakpoint
CREATE INDEX `report_activities_open` ON `report_activities` (`start_at`) WHERE recurrence IS NULL AND status IN ('da_fare','in_corso');
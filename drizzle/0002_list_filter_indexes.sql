CREATE INDEX `reports_created` ON `reports` (`created_at`);--> statement-breakpoint
CREATE INDEX `reports_channel_created` ON `reports` (`channel`,`created_at`);--> statement-breakpoint
CREATE INDEX `reports_outcome_created` ON `reports` (`outcome_id`,`created_at`) WHERE outcome_id IS NOT NULL;
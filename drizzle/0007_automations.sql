CREATE TABLE `automation_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`on_update` integer DEFAULT false NOT NULL,
	`conditions` text NOT NULL,
	`actions` text NOT NULL,
	`updated_at` integer NOT NULL
);

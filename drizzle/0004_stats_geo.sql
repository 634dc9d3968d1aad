CREATE TABLE `geo_settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `streets` (
	`id` integer PRIMARY KEY NOT NULL,
	`street` text NOT NULL,
	`number` text DEFAULT '' NOT NULL,
	`lat` real NOT NULL,
	`lon` real NOT NULL,
	`norm` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `streets_norm` ON `streets` (`norm`);--> statement-breakpoint
CREATE TABLE `stats_assignee_counts` (
	`month` integer NOT NULL,
	`status` text NOT NULL,
	`kind` text NOT NULL,
	`assignee_id` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`month`, `status`, `kind`, `assignee_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `stats_counts` (
	`month` integer NOT NULL,
	`status` text NOT NULL,
	`category_id` text NOT NULL,
	`channel` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`month`, `status`, `category_id`, `channel`)
) WITHOUT ROWID;
--> statement-breakpoint
-- Hand-written below (drizzle has no triggers, and these indexes are on reports).
-- The period edges of stats.get: a covering range scan on created_at.
CREATE INDEX `stats_created_dims` ON `reports` (`created_at`, `status`, `category_id`, `channel`);--> statement-breakpoint
-- Days to close per category (average and exact median by OFFSET) and the closing trend.
CREATE INDEX `stats_close_time` ON `reports` (`category_id`, (closed_at - created_at), `closed_at`, `created_at`) WHERE closed_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `stats_closed_at` ON `reports` (`closed_at`) WHERE closed_at IS NOT NULL;--> statement-breakpoint
INSERT INTO `stats_counts` (month, status, category_id, channel, n)
  SELECT CAST(strftime('%Y%m', r.created_at / 1000, 'unixepoch') AS INTEGER), r.status, coalesce(r.category_id, ''), r.channel, count(*)
  FROM reports r GROUP BY 1, 2, 3, 4;--> statement-breakpoint
INSERT INTO `stats_assignee_counts` (month, status, kind, assignee_id, n)
  SELECT CAST(strftime('%Y%m', r.created_at / 1000, 'unixepoch') AS INTEGER), r.status, a.kind, a.assignee_id, count(*)
  FROM report_assignments a JOIN reports r ON r.seq = a.report_seq GROUP BY 1, 2, 3, 4;--> statement-breakpoint
CREATE TRIGGER `stats_reports_ai` AFTER INSERT ON `reports` BEGIN
  INSERT INTO stats_counts (month, status, category_id, channel, n)
    VALUES (CAST(strftime('%Y%m', NEW.created_at / 1000, 'unixepoch') AS INTEGER), NEW.status, coalesce(NEW.category_id, ''), NEW.channel, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;--> statement-breakpoint
CREATE TRIGGER `stats_reports_ad` AFTER DELETE ON `reports` BEGIN
  UPDATE stats_counts SET n = n - 1 WHERE month = CAST(strftime('%Y%m', OLD.created_at / 1000, 'unixepoch') AS INTEGER) AND status = OLD.status
    AND category_id = coalesce(OLD.category_id, '') AND channel = OLD.channel;
  UPDATE stats_assignee_counts SET n = n - 1 WHERE month = CAST(strftime('%Y%m', OLD.created_at / 1000, 'unixepoch') AS INTEGER) AND status = OLD.status
    AND (kind, assignee_id) IN (SELECT kind, assignee_id FROM report_assignments WHERE report_seq = OLD.seq);
END;--> statement-breakpoint
CREATE TRIGGER `stats_reports_au` AFTER UPDATE OF status, category_id, channel, created_at ON `reports`
WHEN OLD.status IS NOT NEW.status OR OLD.category_id IS NOT NEW.category_id
  OR OLD.channel IS NOT NEW.channel OR OLD.created_at IS NOT NEW.created_at
BEGIN
  UPDATE stats_counts SET n = n - 1 WHERE month = CAST(strftime('%Y%m', OLD.created_at / 1000, 'unixepoch') AS INTEGER) AND status = OLD.status
    AND category_id = coalesce(OLD.category_id, '') AND channel = OLD.channel;
  INSERT INTO stats_counts (month, status, category_id, channel, n)
    VALUES (CAST(strftime('%Y%m', NEW.created_at / 1000, 'unixepoch') AS INTEGER), NEW.status, coalesce(NEW.category_id, ''), NEW.channel, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
  UPDATE stats_assignee_counts SET n = n - 1 WHERE month = CAST(strftime('%Y%m', OLD.created_at / 1000, 'unixepoch') AS INTEGER) AND status = OLD.status
    AND (kind, assignee_id) IN (SELECT kind, assignee_id FROM report_assignments WHERE report_seq = OLD.seq);
  INSERT INTO stats_assignee_counts (month, status, kind, assignee_id, n)
    SELECT CAST(strftime('%Y%m', NEW.created_at / 1000, 'unixepoch') AS INTEGER), NEW.status, a.kind, a.assignee_id, 1 FROM report_assignments a WHERE a.report_seq = NEW.seq AND true
    ON CONFLICT DO UPDATE SET n = n + 1;
END;--> statement-breakpoint
-- INSERT OR REPLACE of an existing assignment deletes the old row without firing the
-- delete trigger: take its count back first, so a replacement nets to zero.
CREATE TRIGGER `stats_assign_bi` BEFORE INSERT ON `report_assignments`
WHEN EXISTS (SELECT 1 FROM report_assignments WHERE report_seq = NEW.report_seq AND kind = NEW.kind AND assignee_id = NEW.assignee_id)
BEGIN
  UPDATE stats_assignee_counts SET n = n - 1
    WHERE (month, status) = (SELECT CAST(strftime('%Y%m', r.created_at / 1000, 'unixepoch') AS INTEGER), r.status FROM reports r WHERE r.seq = NEW.report_seq)
    AND kind = NEW.kind AND assignee_id = NEW.assignee_id;
END;--> statement-breakpoint
CREATE TRIGGER `stats_assign_ai` AFTER INSERT ON `report_assignments` BEGIN
  INSERT INTO stats_assignee_counts (month, status, kind, assignee_id, n)
    SELECT CAST(strftime('%Y%m', r.created_at / 1000, 'unixepoch') AS INTEGER), r.status, NEW.kind, NEW.assignee_id, 1 FROM reports r WHERE r.seq = NEW.report_seq AND true
    ON CONFLICT DO UPDATE SET n = n + 1;
END;--> statement-breakpoint
CREATE TRIGGER `stats_assign_ad` AFTER DELETE ON `report_assignments` BEGIN
  UPDATE stats_assignee_counts SET n = n - 1
    WHERE (month, status) = (SELECT CAST(strftime('%Y%m', r.created_at / 1000, 'unixepoch') AS INTEGER), r.status FROM reports r WHERE r.seq = OLD.report_seq)
    AND kind = OLD.kind AND assignee_id = OLD.assignee_id;
END;

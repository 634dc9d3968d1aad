CREATE TABLE `category_keys` (
	`k` integer PRIMARY KEY NOT NULL,
	`category_id` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `category_keys_category` ON `category_keys` (`category_id`);--> statement-breakpoint
ALTER TABLE `categories` ADD `duplicate_radius_m` integer;--> statement-breakpoint
ALTER TABLE `categories` ADD `duplicate_days` integer;--> statement-breakpoint
ALTER TABLE `reports` ADD `merged_from_status` text;--> statement-breakpoint
CREATE INDEX `reports_merged_into` ON `reports` (`merged_into`) WHERE merged_into IS NOT NULL;--> statement-breakpoint
-- Hand-written below (drizzle has no virtual tables or triggers).
-- Likely duplicates: one point per report with a place and a category, in four
-- dimensions: latitude, longitude, category key (category_keys.k) and day of creation
-- (created_at / 86400000). A suggestion is one box query per category of the family:
-- a 2-D tree alone reads every report of a dense town centre (thousands), the category
-- and day dimensions cut that to the handful that can match. id = reports.seq.
CREATE VIRTUAL TABLE `reports_geo` USING rtree(id, min_lat, max_lat, min_lon, max_lon, min_cat, max_cat, min_day, max_day);
--> statement-breakpoint
-- Kept by triggers, so every path that writes reports (mutations, sync pulls, the
-- bootstrap's bulk writer, the seed) keeps it right without knowing about it.
CREATE TRIGGER `reports_geo_insert` AFTER INSERT ON `reports`
WHEN new.lat IS NOT NULL AND new.lon IS NOT NULL AND new.category_id IS NOT NULL
BEGIN
	INSERT OR IGNORE INTO `category_keys` (category_id) VALUES (new.category_id);
	INSERT INTO `reports_geo` (id, min_lat, max_lat, min_lon, max_lon, min_cat, max_cat, min_day, max_day)
	SELECT new.seq, new.lat, new.lat, new.lon, new.lon, k, k, new.created_at / 86400000.0, new.created_at / 86400000.0
	FROM `category_keys` WHERE category_id = new.category_id;
END;
--> statement-breakpoint
CREATE TRIGGER `reports_geo_update` AFTER UPDATE OF lat, lon, category_id, created_at ON `reports`
WHEN old.lat IS NOT new.lat OR old.lon IS NOT new.lon OR old.category_id IS NOT new.category_id
	OR old.created_at IS NOT new.created_at
BEGIN
	DELETE FROM `reports_geo` WHERE id = old.seq;
	INSERT OR IGNORE INTO `category_keys` (category_id) SELECT new.category_id WHERE new.category_id IS NOT NULL;
	INSERT INTO `reports_geo` (id, min_lat, max_lat, min_lon, max_lon, min_cat, max_cat, min_day, max_day)
	SELECT new.seq, new.lat, new.lat, new.lon, new.lon, k, k, new.created_at / 86400000.0, new.created_at / 86400000.0
	FROM `category_keys` WHERE category_id = new.category_id AND new.lat IS NOT NULL AND new.lon IS NOT NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `reports_geo_delete` AFTER DELETE ON `reports`
BEGIN
	DELETE FROM `reports_geo` WHERE id = old.seq;
END;
--> statement-breakpoint
-- Reports that existed before this migration.
INSERT OR IGNORE INTO `category_keys` (category_id) SELECT id FROM `categories` ORDER BY id;
--> statement-breakpoint
INSERT OR IGNORE INTO `category_keys` (category_id)
SELECT DISTINCT category_id FROM `reports` WHERE category_id IS NOT NULL;
--> statement-breakpoint
INSERT INTO `reports_geo` (id, min_lat, max_lat, min_lon, max_lon, min_cat, max_cat, min_day, max_day)
SELECT r.seq, r.lat, r.lat, r.lon, r.lon, k.k, k.k, r.created_at / 86400000.0, r.created_at / 86400000.0
FROM `reports` r JOIN `category_keys` k ON k.category_id = r.category_id
WHERE r.lat IS NOT NULL AND r.lon IS NOT NULL;

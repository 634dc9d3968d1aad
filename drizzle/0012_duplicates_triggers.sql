-- The reports_geo triggers of 0009 without INSERT OR IGNORE: inside a trigger the outer
-- statement's conflict policy wins, so an upsert of a report (ON CONFLICT DO UPDATE, as
-- the bulk writer of a bootstrap does when a placeholder gets its real row) turned the
-- IGNORE into an ABORT on an existing category key. NOT EXISTS cannot conflict.
DROP TRIGGER IF EXISTS `reports_geo_insert`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `reports_geo_update`;
--> statement-breakpoint
CREATE TRIGGER `reports_geo_insert` AFTER INSERT ON `reports`
WHEN new.lat IS NOT NULL AND new.lon IS NOT NULL AND new.category_id IS NOT NULL
BEGIN
	INSERT INTO `category_keys` (category_id)
	SELECT new.category_id WHERE NOT EXISTS (SELECT 1 FROM `category_keys` WHERE category_id = new.category_id);
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
	INSERT INTO `category_keys` (category_id)
	SELECT new.category_id WHERE new.category_id IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM `category_keys` WHERE category_id = new.category_id);
	INSERT INTO `reports_geo` (id, min_lat, max_lat, min_lon, max_lon, min_cat, max_cat, min_day, max_day)
	SELECT new.seq, new.lat, new.lat, new.lon, new.lon, k, k, new.created_at / 86400000.0, new.created_at / 86400000.0
	FROM `category_keys` WHERE category_id = new.category_id AND new.lat IS NOT NULL AND new.lon IS NOT NULL;
END;

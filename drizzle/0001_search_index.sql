-- Full-text index over every report's words: code, title, description, address,
-- reporters' names and emails, notes. Contentless (the text already lives in the
-- tables; storing it twice would cost ~40% more disk), with contentless_delete so a
-- report's document can be replaced when it changes. rowid = reports.seq.
-- remove_diacritics 2 folds accents both when indexing and when querying:
-- "citta" finds "città".
CREATE VIRTUAL TABLE `reports_fts` USING fts5(
	code, title, description, address, people, notes,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2'
);
--> statement-breakpoint
-- Reports that existed before this migration get their document now, built the same
-- way the store builds it (src-main/db/repos/search-index.ts).
INSERT INTO `reports_fts` (rowid, code, title, description, address, people, notes)
SELECT r.seq,
	r.code || coalesce(' ' || (SELECT group_concat(rc.code, ' ') FROM report_codes rc WHERE rc.report_id = r.id), ''),
	r.title, r.description, r.address,
	coalesce((SELECT group_concat(trim(p.nome || ' ' || p.cognome || ' ' || coalesce(p.email, '') || ' ' || coalesce(p.telefono, '')), ' ')
		FROM report_reporters rr JOIN reporters p ON p.id = rr.reporter_id WHERE rr.report_seq = r.seq), ''),
	coalesce((SELECT group_concat(l.text, char(10)) FROM log_entries l WHERE l.report_seq = r.seq AND l.kind = 'note'), '')
FROM reports r;

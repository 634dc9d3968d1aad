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

/**
 * The reports_fts document of a report, rebuilt whenever the report, its reporters
 * or its notes change. Kept by the store (not by triggers) because the document
 * spans several tables and a trigger firing on unchanged text makes bulk applies slow.
 */
import type { Sqlite } from '../migrate';
import { stmt } from './stmt';

type Row = Record<string, unknown>;

export function reindexReport(db: Sqlite, seq: number): void {
  const r = stmt(db, 'SELECT code, title, description, address FROM reports WHERE seq = ?').get(seq) as
    Row | undefined;
  stmt(db, 'DELETE FROM reports_fts WHERE rowid = ?').run(seq);
  if (!r) return;
  const aliases = (
    stmt(db, 'SELECT rc.code FROM report_codes rc JOIN reports r ON r.id = rc.report_id WHERE r.seq = ?').all(
      seq,
    ) as Row[]
  ).map((x) => x.code as string);
  const people = (
    stmt(
      db,
      `SELECT p.nome, p.cognome, p.email, p.telefono FROM report_reporters rr
       JOIN reporters p ON p.id = rr.reporter_id WHERE rr.report_seq = ?`,
    ).all(seq) as Row[]
  )
    .map((p) => [p.nome, p.cognome, p.email, p.telefono].filter(Boolean).join(' '))
    .join(' ');
  const notes = (
    stmt(db, "SELECT text FROM log_entries WHERE report_seq = ? AND kind = 'note'").all(seq) as Row[]
  )
    .map((n) => n.text as string)
    .join('\n');
  stmt(
    db,
    'INSERT INTO reports_fts (rowid, code, title, description, address, people, notes) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(seq, [r.code, ...aliases].join(' '), r.title, r.description, r.address, people, notes);
}

export function reportSeqsOfReporter(db: Sqlite, reporterId: string): number[] {
  return (
    stmt(db, 'SELECT report_seq FROM report_reporters WHERE reporter_id = ?').all(reporterId) as Row[]
  ).map((r) => r.report_seq as number);
}

/**
 * Turns whatever a person typed into a safe FTS5 query: every word becomes a quoted
 * string (so AND, OR, NEAR, quotes, parentheses, colons or a leading minus are just
 * text); with prefixLast the last word is a prefix (see ftsQueryFor). Returns null when
 * nothing searchable is left. Never produces an FTS syntax error.
 */
export function toFtsQuery(
  input: string,
  opts: { prefixLast: boolean } = { prefixLast: true },
): string | null {
  // Split the way the unicode61 tokenizer does: letters and digits are token characters.
  const words = input.normalize('NFC').match(/[\p{L}\p{N}]+/gu);
  if (!words || words.length === 0) return null;
  const limited = words.slice(0, 12);
  return limited
    .map((w, i) => {
      const quoted = `"${w.replace(/"/g, '""')}"`;
      return opts.prefixLast && i === limited.length - 1 && w.length >= 2 ? `${quoted}*` : quoted;
    })
    .join(' ');
}

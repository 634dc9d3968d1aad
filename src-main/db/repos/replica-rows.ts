/**
 * A whole replica as the protocol's domain rows, parents first: what a server needs to
 * take over a PC's data (`sportello server import`, src-server/import) and what the sync
 * benchmark loads into its PostgreSQL (src-main/bench/sync-postgres.ts). One reading of
 * the SQLite tables for both, with the same row mappers the replica uses everywhere.
 *
 * Order: settings first (as a server set up before the reports arrived), then each
 * report followed by its own rows in creation order, then the code aliases. A replica
 * that applies the rows in this order never sees a child before its parent.
 */
import type { TableName } from '../../../src-shared/domain';
import { FINAL_CODE } from '../../../src-shared/domain';
import type { SyncTable } from '../../../src-shared/sync/protocol';
import type { Sqlite } from '../migrate';
import { toActivity } from './activities-rows';
import { readRow } from './row-images';
import { toAssignment, toAttachment, toLogEntry, toReport, toReporter } from './rows';

type Row = Record<string, unknown>;

export interface ReplicaRow {
  table: SyncTable;
  row: Row;
}

/** Settings tables read by key through readRow (few rows each), in this order. */
const SETTINGS: { table: TableName & SyncTable; ids: string }[] = [
  { table: 'users', ids: 'SELECT id FROM users ORDER BY id' },
  { table: 'groups', ids: 'SELECT id FROM groups ORDER BY id' },
];
const LATER_SETTINGS: { table: TableName & SyncTable; ids: string }[] = [
  { table: 'categories', ids: 'SELECT id FROM categories ORDER BY id' },
  { table: 'outcomes', ids: 'SELECT id FROM outcomes ORDER BY id' },
  { table: 'automation_rules', ids: 'SELECT id FROM automation_rules ORDER BY id' },
  { table: 'address_book', ids: 'SELECT id FROM address_book ORDER BY id' },
];

/** Every replicated row of the replica (see the file comment for the order). */
export function* replicaRows(db: Sqlite): Generator<ReplicaRow> {
  // A file of an older schema opened read-only (the benchmark's cached replica) lacks the
  // later tables: it has none of their rows.
  const present = new Set(
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[],
  );
  const ids = (sql: string) => db.prepare(sql).pluck().all() as string[];
  const byKey = function* (list: typeof SETTINGS): Generator<ReplicaRow> {
    for (const { table, ids: sql } of list) {
      if (!present.has(table)) continue;
      for (const id of ids(sql)) yield { table, row: readRow(db, table, { id } as never) as unknown as Row };
    }
  };
  yield* byKey(SETTINGS);
  // By member, as the cached benchmark clusters were loaded (their versions stay valid).
  const members = db.prepare('SELECT group_id, user_id FROM group_members ORDER BY user_id, group_id');
  for (const m of members.iterate() as Iterable<Row>) {
    yield { table: 'group_members', row: { groupId: m.group_id, userId: m.user_id } };
  }
  yield* byKey(LATER_SETTINGS);
  for (const r of db.prepare('SELECT * FROM reporters ORDER BY id').iterate() as Iterable<Row>) {
    yield { table: 'reporters', row: toReporter(r) as unknown as Row };
  }

  // Each report, then its rows (children are clustered by report_seq: one range read each).
  const links = db.prepare('SELECT * FROM report_reporters WHERE report_seq = ? ORDER BY position');
  const assigns = db.prepare(
    'SELECT * FROM report_assignments WHERE report_seq = ? ORDER BY kind, assignee_id',
  );
  const logs = db.prepare('SELECT * FROM log_entries WHERE report_seq = ? ORDER BY at, id');
  const files = db.prepare('SELECT * FROM attachments WHERE report_seq = ? ORDER BY created_at, id');
  const activities = present.has('report_activities')
    ? db.prepare('SELECT * FROM report_activities WHERE report_seq = ? ORDER BY created_at, id')
    : null;
  const reports = db.prepare('SELECT * FROM reports ORDER BY seq');
  for (const r of reports.iterate() as Iterable<Row>) {
    const id = r.id as string;
    const seq = r.seq as number;
    yield { table: 'reports', row: toReport(r) as unknown as Row };
    for (const x of links.all(seq) as Row[]) {
      yield {
        table: 'report_reporters',
        row: { reportId: id, reporterId: x.reporter_id, position: x.position },
      };
    }
    for (const x of assigns.all(seq) as Row[]) {
      yield { table: 'report_assignments', row: toAssignment(id, x) as unknown as Row };
    }
    for (const x of logs.all(seq) as Row[]) {
      yield { table: 'log_entries', row: toLogEntry(id, x) as unknown as Row };
    }
    for (const x of files.all(seq) as Row[]) {
      yield { table: 'attachments', row: toAttachment(id, x) as unknown as Row };
    }
    for (const x of (activities?.all(seq) ?? []) as Row[]) {
      yield { table: 'report_activities', row: toActivity(id, x) as unknown as Row };
    }
  }
  // Aliases (codes of merged reports, provisional codes) point at reports sent above.
  for (const c of db
    .prepare('SELECT code, report_id FROM report_codes ORDER BY code')
    .iterate() as Iterable<Row>) {
    yield { table: 'report_codes', row: { code: c.code, reportId: c.report_id } };
  }
}

/**
 * The last final code number per year: the replica's counters, raised to the highest
 * code it actually holds (a report or an alias), so that whoever hands out the next
 * codes from these never repeats one.
 */
export function replicaCodeCounters(db: Sqlite): Map<number, number> {
  const out = new Map<number, number>();
  const raise = (year: number, seq: number) => out.set(year, Math.max(out.get(year) ?? 0, seq));
  for (const k of db.prepare('SELECT year, last_seq FROM code_counters').all() as Row[]) {
    raise(k.year as number, k.last_seq as number);
  }
  const codes = db.prepare('SELECT code FROM reports UNION ALL SELECT code FROM report_codes').pluck();
  for (const code of codes.iterate() as Iterable<string>) {
    const m = FINAL_CODE.exec(code);
    if (m) raise(Number(m[1]), Number(m[2]));
  }
  return out;
}

/** Domain rows ⇄ the generic versioned row store (sync_rows). */
import type { Change, TableName } from '../src-shared/domain';
import { rowKey, type SyncTable } from '../src-shared/sync/protocol';
import type { VersionedRow } from './row-source';
import type { Queryable } from './storage/storage';

/** Tables whose rows belong to one report: they follow its visibility. */
export const REPORT_TABLES = [
  'reports',
  'report_assignments',
  'report_reporters',
  'attachments',
  'log_entries',
  'report_codes',
  'report_activities',
] as const satisfies readonly SyncTable[];

const REPORT_CHILDREN = new Set<string>(REPORT_TABLES.filter((t) => t !== 'reports'));

export function ownerOf(table: TableName, row: Record<string, unknown>): string | null {
  if (table === 'reports') return String(row.id);
  if (REPORT_CHILDREN.has(table)) return String(row.reportId);
  if (table === 'group_members') return String(row.groupId);
  return null;
}

/** Parents first: a replica that applies changes in order never sees a dangling child. */
const RANK: Record<SyncTable, number> = {
  users: 0,
  groups: 1,
  group_members: 2,
  categories: 3,
  outcomes: 4,
  reporters: 5,
  reports: 6,
  report_codes: 7,
  report_assignments: 8,
  report_reporters: 9,
  attachments: 10,
  log_entries: 11,
  automation_rules: 12,
  report_activities: 13,
  address_book: 13,
};
export const tableRank = (t: SyncTable) => RANK[t];

/**
 * A mutation's changes as rows with fresh versions after `lastVersion`, parents first
 * (written later, all at once, by BatchRows.flush). Returns them and the new highest version.
 */
export function versionChanges(
  changes: Change[],
  lastVersion: number,
): { rows: VersionedRow[]; last: number } {
  // The same row twice in one mutation: the last write wins (one version per row).
  const byKey = new Map<string, Change>();
  for (const c of changes) {
    const id = `${c.table}\u0000${rowKey(c.table, c.row as unknown as Record<string, unknown>)}`;
    byKey.delete(id);
    byKey.set(id, c);
  }
  const ordered = [...byKey.values()].sort((a, b) => RANK[a.table] - RANK[b.table]);
  let v = lastVersion;
  const rows = ordered.map((c): VersionedRow => {
    const row = c.row as unknown as Record<string, unknown>;
    return {
      tbl: c.table,
      key: rowKey(c.table, row),
      owner: ownerOf(c.table, row),
      data: row,
      version: ++v,
      deleted: c.op === 'delete',
    };
  });
  return { rows, last: v };
}

export async function maxVersion(q: Queryable): Promise<number> {
  const [r] = await q.query<{ v: number | null }>('SELECT max(version) AS v FROM sync_rows');
  return r?.v ?? 0;
}

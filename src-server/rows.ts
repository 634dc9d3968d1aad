/** Domain rows ⇄ the generic versioned row store (sync_rows). */
import type { Change, TableName } from '../src-shared/domain';
import { rowKey, type SyncTable } from '../src-shared/sync/protocol';
import type { Queryable } from './storage/storage';

/** Tables whose rows belong to one report: they follow its visibility. */
export const REPORT_TABLES = [
  'reports',
  'report_assignments',
  'report_reporters',
  'attachments',
  'log_entries',
  'report_codes',
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
};
export const tableRank = (t: SyncTable) => RANK[t];

/**
 * Writes a mutation's changes as rows with fresh versions after `lastVersion`, parents
 * first. Returns the new highest version. One statement for all the rows.
 */
export async function writeChanges(tx: Queryable, changes: Change[], lastVersion: number): Promise<number> {
  if (changes.length === 0) return lastVersion;
  // The same row twice in one mutation: the last write wins (one version per row).
  const byKey = new Map<string, Change>();
  for (const c of changes) {
    const id = `${c.table}\u0000${rowKey(c.table, c.row as unknown as Record<string, unknown>)}`;
    byKey.delete(id);
    byKey.set(id, c);
  }
  const ordered = [...byKey.values()].sort((a, b) => RANK[a.table] - RANK[b.table]);
  const tbl: string[] = [];
  const key: string[] = [];
  const owner: (string | null)[] = [];
  const data: string[] = [];
  const version: number[] = [];
  const deleted: boolean[] = [];
  let v = lastVersion;
  for (const c of ordered) {
    const row = c.row as unknown as Record<string, unknown>;
    tbl.push(c.table);
    key.push(rowKey(c.table, row));
    owner.push(ownerOf(c.table, row));
    data.push(JSON.stringify(row));
    version.push(++v);
    deleted.push(c.op === 'delete');
  }
  await tx.query(
    `INSERT INTO sync_rows (tbl, key, owner, data, version, deleted)
     SELECT t, k, o, d::jsonb, v, del
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::boolean[])
         AS x(t, k, o, d, v, del)
     ON CONFLICT (tbl, key) DO UPDATE
       SET owner = excluded.owner, data = excluded.data,
           version = excluded.version, deleted = excluded.deleted`,
    [tbl, key, owner, data, version, deleted],
  );
  return v;
}

export async function maxVersion(q: Queryable): Promise<number> {
  const [r] = await q.query<{ v: number | null }>('SELECT max(version) AS v FROM sync_rows');
  return r?.v ?? 0;
}

/**
 * Applying what the server sent, underneath the mutations this PC has not had
 * confirmed yet (Replicache's rebase):
 *
 *   1. undo every pending mutation, newest first, by restoring the rows it overwrote;
 *   2. apply the pulled rows (the server's truth);
 *   3. forget the mutations the server has now processed (applied or refused);
 *   4. replay the still-pending ones, oldest first, on top, recording new undo images.
 *
 * All in one SQLite transaction: a reader never sees a half-rebased replica.
 * A replayed mutation that no longer applies here (someone closed the report first)
 * simply has no local effect; it stays in the outbox and the server gives the verdict.
 */
import type { Change, TableName } from '../../src-shared/domain';
import { DomainError } from '../../src-shared/domain';
import type { RowChange, SyncTable } from '../../src-shared/sync/protocol';
import { actorOf } from '../core/auth-service';
import type { Store } from '../core/store';
import type { Sqlite } from '../db/migrate';
import { getUser, reportSeq } from '../db/repos/entities';
import { keyFields, purgeReport, REPORT_CHILDREN, readRow, type UndoImage } from '../db/repos/row-images';
import { reindexReport } from '../db/repos/search-index';
import { stmt } from '../db/repos/stmt';
import { applyChange } from '../db/repos/write';
import { deleteOutboxUpTo, pendingOutbox, setOutboxUndo, updateSyncState } from './sync-repo';

export interface PullPage {
  changes: RowChange[];
  cursor: number;
  more: boolean;
  lastMutationSeq: number;
}

export interface RebaseResult {
  tables: string[];
  reportIds: string[];
  replayed: number;
  confirmed: number;
}

const PARENT_ORDER: Record<string, number> = {
  users: 0,
  groups: 0,
  categories: 0,
  outcomes: 0,
  reporters: 0,
  reports: 1,
};

function undoAll(db: Sqlite, images: UndoImage[], touched: Set<number>) {
  for (let i = images.length - 1; i >= 0; i--) {
    const img = images[i]!;
    const reportId = reportIdOf(img.table, img.key);
    if (reportId) markTouched(db, reportId, touched);
    if (img.before === null) {
      if (img.table === 'reports') purgeReport(db, String(img.key.id));
      else if (!REPORT_CHILDREN.has(img.table) || (reportId && reportSeq(db, reportId) !== undefined)) {
        applyChange(db, { op: 'delete', table: img.table, row: img.key } as Change);
      }
    } else {
      applyChange(db, { op: 'put', table: img.table, row: img.before } as Change);
    }
  }
}

function reportIdOf(table: TableName, row: Record<string, unknown>): string | null {
  if (table === 'reports') return String(row.id);
  if (REPORT_CHILDREN.has(table)) return row.reportId ? String(row.reportId) : null;
  return null;
}

function markTouched(db: Sqlite, reportId: string, touched: Set<number>) {
  const s = reportSeq(db, reportId);
  if (s !== undefined) touched.add(s);
}

/**
 * A child can arrive before its report: pulls are ordered by version, and a report
 * updated later carries a newer version than its old log entries. A placeholder row
 * holds the place until the real one arrives (in the same pull, at the latest).
 */
function ensureReport(db: Sqlite, reportId: string, now: number) {
  if (reportSeq(db, reportId) !== undefined) return;
  stmt(
    db,
    `INSERT INTO reports (id, code, title, description, address, channel, status, priority, created_by, created_at, updated_by, updated_at)
     VALUES (?, ?, 'Sincronizzazione in corso…', '', '', 'interno', 'nuovo', 'normale', '', ?, '', ?)`,
  ).run(reportId, `~${reportId}`, now, now);
}

export function applyRemote(db: Sqlite, changes: RowChange[], touched: Set<number>, now: number) {
  const puts = changes
    .filter((c) => c.op === 'put')
    .sort((a, b) => (PARENT_ORDER[a.table] ?? 2) - (PARENT_ORDER[b.table] ?? 2));
  for (const c of puts) {
    const row = c.row as Record<string, unknown>;
    const reportId = reportIdOf(c.table as TableName, row);
    if (reportId && c.table !== 'reports') ensureReport(db, reportId, now);
    if (c.table === 'users') {
      // A supplier receives only other users' names: the rest gets safe defaults.
      applyChange(db, { op: 'put', table: 'users', row: normalizeUser(row) } as unknown as Change);
    } else if (c.table === 'groups') {
      // Group rows travel without members (group_members rows carry them).
      const { memberIds: _m, ...g } = row as Record<string, unknown> & { memberIds?: unknown };
      applyChange(db, { op: 'put', table: 'groups', row: g } as Change);
    } else {
      applyChange(db, { op: 'put', table: c.table as TableName, row } as Change);
    }
    if (reportId) markTouched(db, reportId, touched);
  }
  for (const c of changes) {
    if (c.op !== 'del') continue;
    const key = keyFields(c.table as SyncTable, c.key);
    if (c.table === 'reports') {
      const s = reportSeq(db, key.id!);
      if (s !== undefined) touched.delete(s);
      purgeReport(db, key.id!);
      continue;
    }
    const reportId = key.reportId ?? null;
    if (c.table === 'attachments' || c.table === 'report_codes') {
      const current = readRow(db, c.table, key as never) as { reportId?: string } | null;
      if (!current) continue;
      if (current.reportId) markTouched(db, current.reportId, touched);
      applyChange(db, { op: 'delete', table: c.table, row: current } as Change);
      continue;
    }
    if (reportId && reportSeq(db, reportId) === undefined) continue;
    if (reportId) markTouched(db, reportId, touched);
    applyChange(db, { op: 'delete', table: c.table as TableName, row: key } as Change);
  }
}

const NO_PERMISSIONS = {
  canReply: false,
  majorEdits: false,
  seesReporterData: false,
  statistics: false,
  export: false,
};

function normalizeUser(row: Record<string, unknown>): Record<string, unknown> {
  return {
    email: null,
    permissions: NO_PERMISSIONS,
    active: true,
    notifyByEmail: false,
    createdAt: 0,
    updatedAt: 0,
    ...row,
  };
}

/**
 * Runs `fn` with commits that do not wait for the disk (WAL, synchronous=NORMAL): for
 * writes the server can give back. A power cut may lose such a commit, never tear it, and
 * the replica is then as it was before it (cursor included): the next pull brings the
 * same rows again. The next FULL commit (a clerk's edit) flushes the whole log, these
 * frames with it. The fsync cost a pulled change 0.6 ms at the median and 3-4 ms at the
 * 95th percentile on its way to this replica.
 */
export function withoutFsync<T>(db: Sqlite, fn: () => T): T {
  const before = db.pragma('synchronous', { simple: true }) as number;
  if (before <= 1) return fn();
  db.pragma('synchronous = NORMAL');
  try {
    return fn();
  } finally {
    db.pragma(`synchronous = ${before}`);
  }
}

export function createRebaser(db: Sqlite, store: Store, clock: () => number) {
  const rebase = db.transaction((page: PullPage, ackedSeq: number): RebaseResult => {
    const touched = new Set<number>();
    const pending = pendingOutbox(db, ackedSeq);
    for (let i = pending.length - 1; i >= 0; i--) {
      const p = pending[i]!;
      if (p.undo) undoAll(db, JSON.parse(p.undo) as UndoImage[], touched);
    }
    applyRemote(db, page.changes, touched, clock());

    // Only a complete pull tells which mutations its data already reflects.
    let confirmed = 0;
    let newAcked = ackedSeq;
    if (!page.more && page.lastMutationSeq > ackedSeq) {
      confirmed = pending.filter((p) => p.seq <= page.lastMutationSeq).length;
      deleteOutboxUpTo(db, page.lastMutationSeq);
      newAcked = page.lastMutationSeq;
    }
    let replayed = 0;
    for (const p of pending) {
      if (p.seq <= newAcked) continue;
      const user = getUser(db, p.actorId);
      let undo: UndoImage[] = [];
      if (user) {
        try {
          const args = p.args as { clientCode?: string };
          const out = store.execute(p.name, p.args, actorOf(db, user), {
            // A replayed creation keeps the provisional code the clerk was shown.
            allocateCode: args.clientCode ? () => args.clientCode! : undefined,
          });
          undo = out.undo;
          for (const s of out.reportSeqs) touched.add(s);
          replayed++;
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
          // No local effect now; the server's verdict arrives with the next push.
        }
      }
      setOutboxUndo(db, p.seq, JSON.stringify(undo));
    }
    for (const s of touched) reindexReport(db, s);
    updateSyncState(db, { cursor: page.cursor, ackedSeq: newAcked });
    const reportIds: string[] = [];
    for (const s of touched) {
      const r = stmt(db, 'SELECT id FROM reports WHERE seq = ?').get(s) as { id: string } | undefined;
      if (r) reportIds.push(r.id);
    }
    return {
      tables: [...new Set(page.changes.map((c) => c.table))],
      reportIds,
      replayed,
      confirmed,
    };
  });
  return {
    apply: (page: PullPage, ackedSeq: number): RebaseResult => withoutFsync(db, () => rebase(page, ackedSeq)),
  };
}

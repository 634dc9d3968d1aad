/**
 * Rows by key, as domain rows: what a synced replica needs to undo its own optimistic
 * writes (pre-images) and to apply rows pulled from the server (puts and removals).
 */
import type { Change, TableName, TableRows } from '../../../src-shared/domain';
import type { SyncTable } from '../../../src-shared/sync/protocol';
import type { Sqlite } from '../migrate';
import { getGroup, getUser, reportSeq } from './entities';
import {
  REPORT_COLS,
  toAssignment,
  toAttachment,
  toCategory,
  toLogEntry,
  toOutcome,
  toReport,
  toReporter,
  toRule,
  toAddressBookEntry,
} from './rows';
import { stmt } from './stmt';
import { getActivity } from './activities-rows';

type Row = Record<string, unknown>;

/** The current row with the same key as `key` (a row or the key fields of one), or null. */
export function readRow<T extends TableName>(
  db: Sqlite,
  table: T,
  key: Partial<TableRows[T]>,
): TableRows[T] | null {
  const k = key as Record<string, unknown>;
  const bySeq = (reportId: unknown) => reportSeq(db, String(reportId));
  let out: unknown = null;
  switch (table) {
    case 'reports': {
      const r = stmt(db, `SELECT ${REPORT_COLS} FROM reports WHERE id = ?`).get(k.id) as Row | undefined;
      out = r ? toReport(r) : null;
      break;
    }
    case 'report_assignments': {
      const seq = bySeq(k.reportId);
      const r =
        seq === undefined
          ? undefined
          : (stmt(
              db,
              'SELECT * FROM report_assignments WHERE report_seq = ? AND kind = ? AND assignee_id = ?',
            ).get(seq, k.kind, k.assigneeId) as Row | undefined);
      out = r ? toAssignment(String(k.reportId), r) : null;
      break;
    }
    case 'report_reporters': {
      const seq = bySeq(k.reportId);
      const r =
        seq === undefined
          ? undefined
          : (stmt(db, 'SELECT * FROM report_reporters WHERE report_seq = ? AND reporter_id = ?').get(
              seq,
              k.reporterId,
            ) as Row | undefined);
      out = r ? { reportId: String(k.reportId), reporterId: r.reporter_id, position: r.position } : null;
      break;
    }
    case 'reporters': {
      const r = stmt(db, 'SELECT * FROM reporters WHERE id = ?').get(k.id) as Row | undefined;
      out = r ? toReporter(r) : null;
      break;
    }
    case 'attachments': {
      const r = stmt(
        db,
        'SELECT a.*, r.id AS report_id FROM attachments a JOIN reports r ON r.seq = a.report_seq WHERE a.id = ?',
      ).get(k.id) as Row | undefined;
      out = r ? toAttachment(String(r.report_id), r) : null;
      break;
    }
    case 'log_entries': {
      const seq = bySeq(k.reportId);
      const r =
        seq === undefined
          ? undefined
          : (stmt(db, 'SELECT * FROM log_entries WHERE report_seq = ? AND id = ?').get(seq, k.id) as
              Row | undefined);
      out = r ? toLogEntry(String(k.reportId), r) : null;
      break;
    }
    case 'categories': {
      const r = stmt(db, 'SELECT * FROM categories WHERE id = ?').get(k.id) as Row | undefined;
      out = r ? toCategory(r) : null;
      break;
    }
    case 'outcomes': {
      const r = stmt(db, 'SELECT * FROM outcomes WHERE id = ?').get(k.id) as Row | undefined;
      out = r ? toOutcome(r) : null;
      break;
    }
    case 'users':
      out = getUser(db, String(k.id)) ?? null;
      break;
    case 'groups': {
      const g = getGroup(db, String(k.id));
      out = g
        ? { id: g.id, name: g.name, description: g.description, active: g.active, updatedAt: g.updatedAt }
        : null;
      break;
    }
    case 'group_members': {
      const r = stmt(db, 'SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ?').get(
        k.groupId,
        k.userId,
      );
      out = r ? { groupId: k.groupId, userId: k.userId } : null;
      break;
    }
    case 'address_book': {
      const r = stmt(db, 'SELECT * FROM address_book WHERE id = ?').get(k.id) as Row | undefined;
      out = r ? toAddressBookEntry(r) : null;
      break;
    }
    case 'automation_rules': {
      const r = stmt(db, 'SELECT * FROM automation_rules WHERE id = ?').get(k.id) as Row | undefined;
      out = r ? toRule(r) : null;
      break;
    }
    case 'report_activities': {
      const seq = bySeq(k.reportId);
      out = seq === undefined ? null : getActivity(db, seq, String(k.reportId), String(k.id));
      break;
    }
    case 'report_codes': {
      const r = stmt(db, 'SELECT code, report_id FROM report_codes WHERE code = ?').get(k.code) as
        Row | undefined;
      out = r ? { code: r.code, reportId: r.report_id } : null;
      break;
    }
  }
  return out as TableRows[T] | null;
}

/** The key fields of a row from its wire key (see rowKey in src-shared/sync/protocol.ts). */
export function keyFields(table: SyncTable, key: string): Record<string, string> {
  const parts = key.split(':');
  switch (table) {
    case 'group_members':
      return { groupId: parts[0]!, userId: parts[1]! };
    case 'report_codes':
      return { code: key };
    case 'report_assignments':
      return { reportId: parts[0]!, kind: parts[1]!, assigneeId: parts[2]! };
    case 'report_reporters':
      return { reportId: parts[0]!, reporterId: parts[1]! };
    case 'log_entries':
    case 'report_activities':
      return { reportId: parts[0]!, id: parts[1]! };
    default:
      return { id: key };
  }
}

/** A pre-image: how to put a row back as it was (null = it did not exist). */
export interface UndoImage {
  table: TableName;
  key: Record<string, unknown>;
  before: unknown;
}

export function imageBefore(db: Sqlite, c: Change): UndoImage {
  return {
    table: c.table,
    key: c.row as Record<string, unknown>,
    before: readRow(db, c.table, c.row as never),
  };
}

/** Report-linked tables: a child whose report is not (yet) here. */
export const REPORT_CHILDREN = new Set<TableName>([
  'report_assignments',
  'report_reporters',
  'attachments',
  'log_entries',
  'report_codes',
  'report_activities',
]);

/** Removes a report and everything hanging off it (it left this user's view). */
export function purgeReport(db: Sqlite, reportId: string): void {
  const seq = reportSeq(db, reportId);
  if (seq === undefined) return;
  for (const t of [
    'report_assignments',
    'report_reporters',
    'attachments',
    'log_entries',
    'report_activities',
  ]) {
    stmt(db, `DELETE FROM ${t} WHERE report_seq = ?`).run(seq);
  }
  stmt(db, 'DELETE FROM report_codes WHERE report_id = ?').run(reportId);
  stmt(db, 'DELETE FROM reports_fts WHERE rowid = ?').run(seq);
  stmt(db, 'DELETE FROM reports WHERE seq = ?').run(seq);
}

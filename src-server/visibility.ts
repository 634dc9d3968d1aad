/**
 * What a user may see, and how a stored row travels to that user.
 *
 * Staff (amministratore, operatore) see everything, reporters only with
 * `seesReporterData`. A fornitore sees the reports assigned to them or to one of their
 * groups, with those reports' children; reporters (if permitted) linked to a visible
 * report; categories, outcomes, its own groups and memberships; users reduced to
 * id, username, full name and role. The address book (suppliers' contacts) and the
 * automation rules stay with the staff.
 */
import { redactLogData } from '../src-shared/domain/redact';
import type { Actor } from '../src-shared/domain';
import { hasPermission, isSupplier } from '../src-shared/domain';
import type { RowChange, SyncTable } from '../src-shared/sync/protocol';
import type { Queryable } from './storage/storage';

export interface Viewer {
  userId: string;
  supplier: boolean;
  seesReporters: boolean;
  groupIds: string[];
}

export function viewerOf(actor: Actor): Viewer {
  return {
    userId: actor.id,
    supplier: isSupplier(actor),
    seesReporters: hasPermission(actor, 'seesReporterData'),
    groupIds: [...actor.groupIds].sort(),
  };
}

/**
 * Everything that decides which rows a replica holds. When it differs from the one the
 * replica last pulled with, the replica must start again (pull answers reset).
 */
export function viewHash(v: Viewer): string {
  return JSON.stringify(v.supplier ? ['fornitore', v.seesReporters, v.groupIds] : ['staff', v.seesReporters]);
}

/** A fornitore's current view: visible reports and reporters, in the reader's snapshot. */
export interface SupplierScope {
  assignees: string[];
  reports: Set<string>;
  reporters: Set<string>;
}

export async function supplierScope(q: Queryable, v: Viewer): Promise<SupplierScope> {
  const assignees = [v.userId, ...v.groupIds];
  const rows = await q.query<{ owner: string }>(
    `SELECT DISTINCT owner FROM sync_rows
      WHERE tbl = 'report_assignments' AND NOT deleted AND (data->>'assigneeId') = ANY($1::text[])`,
    [assignees],
  );
  const reports = new Set(rows.map((r) => r.owner));
  const reporters = new Set<string>();
  if (v.seesReporters && reports.size > 0) {
    const links = await q.query<{ id: string }>(
      `SELECT DISTINCT (data->>'reporterId') AS id FROM sync_rows
        WHERE tbl = 'report_reporters' AND NOT deleted AND owner = ANY($1::text[])`,
      [[...reports]],
    );
    for (const l of links) reporters.add(l.id);
  }
  return { assignees, reports, reporters };
}

export interface StoredRow {
  tbl: SyncTable;
  key: string;
  data: Record<string, unknown>;
  version: number;
  deleted: boolean;
}

/** The change a viewer receives for a stored row (users shrink for suppliers). */
export function toChange(v: Viewer, r: StoredRow): RowChange {
  if (r.deleted) return { table: r.tbl, op: 'del', key: r.key, row: null };
  let row = r.data;
  if (r.tbl === 'users' && v.supplier) {
    row = { id: row.id, username: row.username, fullName: row.fullName, role: row.role };
  }
  if (r.tbl === 'log_entries' && !v.seesReporters) {
    row = { ...row, data: redactLogData((row.data as Record<string, unknown> | null) ?? null) };
  }
  return { table: r.tbl, op: 'put', key: r.key, row };
}

/**
 * POST /sync/v1/pull: the rows changed since the client's cursor that its user may see,
 * in version order, in pages. Each page is read in one snapshot; because writers commit
 * in version order (apply.ts), every version up to the page's cursor is final, so paging
 * by version never skips a row, even while pushes commit between pages.
 */
import type { z } from 'zod';
import type { RowChange, SyncTable, zPullRequest, zPullResponse } from '../src-shared/sync/protocol';
import type { Session } from './auth';
import { HttpError, MESSAGES } from './errors';
import { maxVersion, REPORT_TABLES, tableRank } from './rows';
import { loadActor, toActor } from './snapshot';
import type { Queryable, Storage } from './storage/storage';
import {
  supplierScope,
  toChange,
  viewerOf,
  viewHash,
  type StoredRow,
  type SupplierScope,
  type Viewer,
} from './visibility';

type PullResponse = z.infer<typeof zPullResponse>;
const ROW_COLS = 'tbl, key, data, version, deleted';

export async function pull(
  storage: Storage,
  session: Session,
  req: z.infer<typeof zPullRequest>,
): Promise<PullResponse> {
  if (req.clientId !== session.clientId) throw new HttpError(403, 'forbidden', MESSAGES.wrongClient);
  // authenticate() read the user's row (active) a moment ago: a staff view depends on its
  // role and permissions only, so a staff pull needs no other read to choose its rows.
  const staff = viewerOf(toActor(session.user, null));
  if (!staff.supplier) return staffPull(storage, session, staff, req);
  // A fornitore's page needs several reads (its scope, what entered or left it): one snapshot.
  const { response, hash } = await storage.transaction(
    async (tx) => {
      const [client] = await tx.query<{ last_seq: number; user_id: string; view_hash: string | null }>(
        'SELECT last_seq, user_id, view_hash FROM clients WHERE client_id = $1',
        [req.clientId],
      );
      if (!client || client.user_id !== session.userId) {
        throw new HttpError(403, 'forbidden', MESSAGES.wrongClient);
      }
      const actor = await loadActor(tx, session.userId);
      if (!actor) throw new HttpError(401, 'unauthenticated', MESSAGES.disabled);
      const viewer = viewerOf(actor);
      const hash = viewHash(viewer);
      const top = await maxVersion(tx);
      // The view changed since this replica's rows were chosen (role, permission, groups),
      // or the cursor comes from another database: the replica starts again from 0.
      if (req.cursor > 0 && (client.view_hash !== hash || req.cursor > top)) {
        return { response: resetResponse(), hash: null };
      }
      const page = await readPage(tx, viewer, req.cursor, req.limit);
      const more = page.rows.length > req.limit;
      const rows = more ? page.rows.slice(0, req.limit) : page.rows;
      const cursor = more ? rows[rows.length - 1]!.version : Math.max(req.cursor, top);
      const changes = new Map<string, RowChange>();
      const add = (c: RowChange) => changes.set(`${c.table}\u0000${c.key}`, c);
      for (const r of rows) add(toChange(viewer, r));
      if (page.scope && req.cursor > 0) {
        for (const c of await visibilityChanges(tx, viewer, page.scope, rows)) add(c);
      }
      const lastMutationSeq = more ? await seqReflectedAt(tx, req.clientId, cursor) : client.last_seq;
      const totalEstimate = req.cursor === 0 && !page.scope ? await countRows(tx, viewer) : null;
      return {
        response: {
          changes: ordered([...changes.values()]),
          cursor,
          more,
          lastMutationSeq,
          reset: false,
          totalEstimate,
        } satisfies PullResponse,
        hash: req.cursor === 0 && client.view_hash !== hash ? hash : null,
      };
    },
    { readOnlySnapshot: true },
  );
  if (hash) {
    await storage.query('UPDATE clients SET view_hash = $2 WHERE client_id = $1', [req.clientId, hash]);
  }
  return response;
}

/**
 * Staff see every row: the client row, the highest version and the page come from one
 * statement, hence one snapshot, with no transaction around it. With the session's
 * lookup that is two round trips in all, which is most of a change's way from one PC to
 * another.
 */
async function staffPull(
  storage: Storage,
  session: Session,
  viewer: Viewer,
  req: z.infer<typeof zPullRequest>,
): Promise<PullResponse> {
  const hash = viewHash(viewer);
  const found = await storage.query<
    { top: number | null; user_id: string | null; last_seq: number | null; view_hash: string | null } & {
      [K in keyof StoredRow]: StoredRow[K] | null;
    }
  >(
    `SELECT t.top, c.user_id, c.last_seq, c.view_hash, p.tbl, p.key, p.data, p.version, p.deleted
       FROM (SELECT max(version) AS top FROM sync_rows) t
       LEFT JOIN clients c ON c.client_id = $4
       LEFT JOIN LATERAL (
         SELECT ${ROW_COLS} FROM sync_rows WHERE version > $1 AND ($2 OR tbl <> 'reporters')
          ORDER BY version LIMIT $3) p ON true
      ORDER BY p.version`,
    [req.cursor, viewer.seesReporters, req.limit + 1, req.clientId],
  );
  const head = found[0];
  if (!head || head.user_id !== session.userId) throw new HttpError(403, 'forbidden', MESSAGES.wrongClient);
  const top = head.top ?? 0;
  // The view changed since this replica's rows were chosen (role, permission, groups),
  // or the cursor comes from another database: the replica starts again from 0.
  if (req.cursor > 0 && (head.view_hash !== hash || req.cursor > top)) return resetResponse();
  const all = found.filter((r) => r.version !== null) as StoredRow[];
  const more = all.length > req.limit;
  const rows = more ? all.slice(0, req.limit) : all;
  const cursor = more ? rows[rows.length - 1]!.version : Math.max(req.cursor, top);
  const changes = new Map<string, RowChange>();
  for (const r of rows) {
    const c = toChange(viewer, r);
    changes.set(`${c.table}\u0000${c.key}`, c);
  }
  // Versions up to the cursor are final (apply.ts): read after the page, still exact.
  const lastMutationSeq = more ? await seqReflectedAt(storage, req.clientId, cursor) : (head.last_seq ?? 0);
  const totalEstimate = req.cursor === 0 ? await countRows(storage, viewer) : null;
  if (req.cursor === 0 && head.view_hash !== hash) {
    await storage.query('UPDATE clients SET view_hash = $2 WHERE client_id = $1', [req.clientId, hash]);
  }
  return {
    changes: ordered([...changes.values()]),
    cursor,
    more,
    lastMutationSeq,
    reset: false,
    totalEstimate,
  };
}

const resetResponse = (): PullResponse => ({
  changes: [],
  cursor: 0,
  more: false,
  lastMutationSeq: 0,
  reset: true,
  totalEstimate: null,
});

async function readPage(
  tx: Queryable,
  v: Viewer,
  cursor: number,
  limit: number,
): Promise<{ rows: StoredRow[]; scope: SupplierScope | null }> {
  if (!v.supplier) {
    const rows = await tx.query<StoredRow>(
      `SELECT ${ROW_COLS} FROM sync_rows WHERE version > $1 AND ($2 OR tbl <> 'reporters')
        ORDER BY version LIMIT $3`,
      [cursor, v.seesReporters, limit + 1],
    );
    return { rows, scope: null };
  }
  const scope = await supplierScope(tx, v);
  const rows = await tx.query<StoredRow>(
    `SELECT ${ROW_COLS} FROM sync_rows
      WHERE version > $1 AND (
            (tbl = ANY($2::text[]) AND owner = ANY($3::text[]))
         OR tbl IN ('categories', 'outcomes', 'users')
         OR (tbl = 'groups' AND key = ANY($4::text[]))
         OR (tbl = 'group_members' AND (data->>'userId') = $5)
         OR (tbl = 'report_assignments' AND (data->>'assigneeId') = ANY($6::text[]))
         OR (tbl = 'reporters' AND key = ANY($7::text[])))
      ORDER BY version LIMIT $8`,
    [
      cursor,
      REPORT_TABLES,
      [...scope.reports],
      v.groupIds,
      v.userId,
      scope.assignees,
      [...scope.reporters],
      limit + 1,
    ],
  );
  return { rows, scope };
}

/**
 * A fornitore's view moves with assignments. An assignment to them (or their groups)
 * changed after the cursor: a report that became visible arrives whole (also its rows
 * with old versions), one that is no longer visible leaves with all its children and the
 * reporters only it made visible. A reporter linked to a visible report arrives with it.
 */
async function visibilityChanges(
  tx: Queryable,
  v: Viewer,
  scope: SupplierScope,
  rows: StoredRow[],
): Promise<RowChange[]> {
  const entered = new Set<string>();
  const left = new Set<string>();
  const newReporters = new Set<string>();
  const goneReporters = new Set<string>();
  for (const r of rows) {
    const reportId = String(r.data.reportId);
    if (r.tbl === 'report_assignments' && scope.assignees.includes(String(r.data.assigneeId))) {
      (scope.reports.has(reportId) ? entered : left).add(reportId);
    } else if (r.tbl === 'report_reporters' && v.seesReporters && scope.reports.has(reportId)) {
      const id = String(r.data.reporterId);
      if (!r.deleted) newReporters.add(id);
      else if (!scope.reporters.has(id)) goneReporters.add(id);
    }
  }
  const out: RowChange[] = [];
  if (entered.size > 0) {
    const whole = await tx.query<StoredRow>(
      `SELECT ${ROW_COLS} FROM sync_rows WHERE tbl = ANY($1::text[]) AND owner = ANY($2::text[]) AND NOT deleted`,
      [REPORT_TABLES, [...entered]],
    );
    for (const r of whole) {
      out.push(toChange(v, r));
      if (r.tbl === 'report_reporters' && v.seesReporters) newReporters.add(String(r.data.reporterId));
    }
  }
  if (newReporters.size > 0) {
    const reps = await tx.query<StoredRow>(
      `SELECT ${ROW_COLS} FROM sync_rows WHERE tbl = 'reporters' AND key = ANY($1::text[]) AND NOT deleted`,
      [[...newReporters]],
    );
    for (const r of reps) out.push(toChange(v, r));
  }
  if (left.size > 0) {
    const gone = await tx.query<{ tbl: SyncTable; key: string; data: Record<string, unknown> }>(
      `SELECT tbl, key, data FROM sync_rows WHERE tbl = ANY($1::text[]) AND owner = ANY($2::text[])`,
      [REPORT_TABLES, [...left]],
    );
    for (const r of gone) {
      out.push({ table: r.tbl, op: 'del', key: r.key, row: null });
      if (
        r.tbl === 'report_reporters' &&
        v.seesReporters &&
        !scope.reporters.has(String(r.data.reporterId))
      ) {
        goneReporters.add(String(r.data.reporterId));
      }
    }
  }
  for (const id of goneReporters) out.push({ table: 'reporters', op: 'del', key: id, row: null });
  return out;
}

/** Puts parents first, then removals children first: safe to apply in order. */
function ordered(changes: RowChange[]): RowChange[] {
  const weight = (c: RowChange) => (c.op === 'put' ? tableRank(c.table) : 100 - tableRank(c.table));
  return changes.sort((a, b) => weight(a) - weight(b));
}

async function seqReflectedAt(tx: Queryable, clientId: string, cursor: number): Promise<number> {
  const [r] = await tx.query<{ s: number | null }>(
    'SELECT max(seq) AS s FROM mutation_log WHERE client_id = $1 AND version <= $2',
    [clientId, cursor],
  );
  return r?.s ?? 0;
}

async function countRows(tx: Queryable, v: Viewer): Promise<number> {
  const [r] = await tx.query<{ n: number }>(
    `SELECT count(*) AS n FROM sync_rows WHERE NOT deleted AND ($1 OR tbl <> 'reporters')`,
    [v.seesReporters],
  );
  return r?.n ?? 0;
}

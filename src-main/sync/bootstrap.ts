/**
 * The replica side of the streamed bootstrap (POST /sync/v1/bootstrap, see
 * src-shared/sync/bootstrap.ts): reads NDJSON as it arrives, writes rows in large
 * SQLite transactions with the search index left alone, and saves the cursor at the
 * server's checkpoints, so a cut download resumes where it stopped. The index is rebuilt
 * once when the bootstrap completes (finishBootstrap).
 */
import type { RowChange } from '../../src-shared/sync/protocol';
import { BOOTSTRAP_PATH, NDJSON } from '../../src-shared/sync/bootstrap';
import type { Sqlite } from '../db/migrate';
import { BULK_TABLES, createBulkWriter } from '../db/repos/bulk-write';
import { deferDerived, restoreDerived } from '../db/repos/deferred-derived';
import { rebuildSearchIndex } from '../db/repos/search-rebuild';
import { stmt } from '../db/repos/stmt';
import { jsonOrNull, refusalOf, SyncHttpError } from './http';
import { applyRemote } from './rebase';
import { countPending, getSyncState, updateSyncState, type SyncState } from './sync-repo';
import { wipeReplica } from './wipe';

/** Rows written per SQLite transaction (committed at the next server checkpoint); tests lower it. */
export const bootstrapCommit = { rows: 50_000 };
/** No byte for this long: the stream is considered dead (the next sync resumes). */
const IDLE_MS = 60_000;
const FTS_FLAG = 'bootstrap_fts_pending';
const SETTINGS = new Set(['users', 'groups', 'group_members', 'categories', 'outcomes']);

export interface BootstrapDeps {
  db: Sqlite;
  clock: () => number;
  isStopped: () => boolean;
  onProgress: (rows: number, total: number | null) => void;
}

export type BootstrapOutcome =
  /** The stream ended: the replica holds everything up to `cursor`. */
  | { kind: 'done'; rows: number }
  /** Local work appeared meanwhile: go on with paged pulls (they rebase it). */
  | { kind: 'pending'; rows: number }
  | { kind: 'stopped'; rows: number }
  /** The server wants a fresh start: the replica was wiped, call again. */
  | { kind: 'reset'; rows: number };

/**
 * Writes bootstrap row lines (RowChange JSON, see src-shared/sync/bootstrap.ts) in one
 * transaction and saves `cursor` with them. The caller has deferred the derived
 * indexes and triggers (deferDerived) and calls finishBootstrap at the end. Shared by
 * the download below and the server's own replica (seed/seed-worker.ts).
 */
export function createRowLineWriter(
  db: Sqlite,
  clock: () => number,
): (lines: string[], cursor: number) => void {
  const writer = createBulkWriter(db);
  // Row lines are kept as text until their transaction: parsed there, each object dies
  // young. Holding 50,000 parsed rows between checkpoints promoted them all to the old
  // generation, and the collector then cost as much as the inserts.
  return db.transaction((lines: string[], cursor: number) => {
    const now = clock();
    const settings: RowChange[] = [];
    const rest: RowChange[] = [];
    const bulk: RowChange[] = [];
    for (const line of lines) {
      const c = JSON.parse(line) as RowChange;
      if (c.op === 'put' && BULK_TABLES.has(c.table)) bulk.push(c);
      else (SETTINGS.has(c.table) && c.op === 'put' ? settings : rest).push(c);
    }
    // Settings first (users and categories a report points to), then the bulk rows in
    // stream order, then what remains (removals, codes, attachments) as a pull applies it.
    if (settings.length) applyRemote(db, settings, new Set(), now);
    for (const c of bulk) writer.put(c.table, c.row!, now);
    if (rest.length) {
      for (const c of rest) if (c.table === 'reports' && c.op === 'del') writer.forget(c.key);
      applyRemote(db, rest, new Set(), now);
    }
    stmt(db, 'INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(FTS_FLAG, '1');
    updateSyncState(db, { cursor });
  });
}

export async function downloadBootstrap(deps: BootstrapDeps, s: SyncState): Promise<BootstrapOutcome> {
  const { db } = deps;
  // Secondary indexes and derived tables are built once at the end (finishBootstrap).
  deferDerived(db);
  const commit = createRowLineWriter(db, deps.clock);
  let rows = 0;
  let total: number | null = null;
  let buffer: string[] = [];

  const controller = new AbortController();
  let idle: ReturnType<typeof setTimeout> | null = null;
  const touch = () => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => controller.abort(), IDLE_MS);
    idle.unref?.();
  };
  touch();
  let res: Response;
  try {
    res = await fetch(new URL(BOOTSTRAP_PATH, s.serverUrl), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: NDJSON,
        ...(s.token ? { authorization: `Bearer ${s.token}` } : {}),
      },
      body: JSON.stringify({ clientId: s.clientId, after: getSyncState(db)!.cursor }),
      signal: controller.signal,
    });
  } catch (e) {
    if (idle) clearTimeout(idle);
    throw new SyncHttpError('network', `Server non raggiungibile (${(e as Error).message}).`);
  }
  if (!res.ok || !res.body) {
    if (idle) clearTimeout(idle);
    throw await refusal(res);
  }

  const decoder = new TextDecoder();
  let tail = '';
  const end: { outcome: BootstrapOutcome | null } = { outcome: null };
  const flush = (cursor: number) => {
    commit(buffer, cursor);
    rows += buffer.length;
    buffer = [];
    deps.onProgress(rows, total);
  };
  const handle = (line: string): void => {
    if (line.length === 0) return;
    // Row lines are by far the most: recognised without parsing twice.
    if (line.startsWith('{"table":')) {
      buffer.push(line);
      return;
    }
    const msg = JSON.parse(line) as { total?: number; cursor?: number; reset?: true; end?: true };
    if (msg.total !== undefined) {
      total = msg.total;
      deps.onProgress(rows + buffer.length, total);
    } else if (msg.reset) {
      // The view changed: what was received is not this user's any more.
      db.transaction(() => {
        wipeReplica(db);
        updateSyncState(db, { cursor: 0, bootstrapping: true });
      })();
      end.outcome = { kind: 'reset', rows };
    } else if (msg.end) {
      flush(msg.cursor!);
      end.outcome = { kind: 'done', rows };
    } else if (msg.cursor !== undefined && buffer.length >= bootstrapCommit.rows) {
      flush(msg.cursor);
      if (countPending(db, getSyncState(db)!.ackedSeq) > 0) end.outcome = { kind: 'pending', rows };
    }
  };

  const reader = res.body.getReader();
  try {
    for (;;) {
      if (deps.isStopped()) {
        end.outcome = { kind: 'stopped', rows };
        break;
      }
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (e) {
        throw new SyncHttpError('network', `Download interrotto (${(e as Error).message}).`);
      }
      if (chunk.done) break;
      touch();
      const text = tail + decoder.decode(chunk.value, { stream: true });
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        handle(text.slice(start, nl));
        start = nl + 1;
        if (end.outcome) break;
      }
      tail = text.slice(start);
      if (end.outcome) break;
    }
  } finally {
    if (idle) clearTimeout(idle);
    if (end.outcome) await reader.cancel().catch(() => undefined);
  }
  // Rows after the last checkpoint are dropped: they come again from that checkpoint.
  if (!end.outcome) throw new SyncHttpError('network', 'Download interrotto: riprendo dal punto raggiunto.');
  return end.outcome;
}

/** Once the replica is complete: indexes, derived tables and the search index a bootstrap left behind. */
export function finishBootstrap(db: Sqlite): void {
  restoreDerived(db);
  const flag = stmt(db, 'SELECT value FROM meta WHERE key = ?').get(FTS_FLAG);
  if (!flag) return;
  rebuildSearchIndex(db);
  stmt(db, 'DELETE FROM meta WHERE key = ?').run(FTS_FLAG);
  // The planner's statistics for the tables just filled (sampled: a fraction of a second).
  db.pragma('analysis_limit = 400');
  db.exec('ANALYZE');
}

async function refusal(res: Response): Promise<SyncHttpError> {
  return refusalOf(res.status, jsonOrNull(await res.text().catch(() => '')));
}

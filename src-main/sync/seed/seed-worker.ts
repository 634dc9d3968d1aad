/**
 * The seed keeper's SQLite work, in a worker thread so the server's event loop keeps
 * serving pushes and pokes meanwhile. It owns one replica file (the seed): staff rows
 * with reporters, built like a PC's bootstrap (bulk rows, derived indexes and search
 * index once at the end) and then kept up to date like a PC's pulls. `publish` writes a
 * consistent copy of it for GET /sync/v1/snapshot.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readSync, rmSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { RowChange } from '../../../src-shared/sync/protocol';
import { SYNC_TABLES } from '../../../src-shared/sync/protocol';
import { migrateDatabase, openDatabase, type Sqlite } from '../../db/migrate';
import { deferDerived } from '../../db/repos/deferred-derived';
import { createRowLineWriter, finishBootstrap } from '../bootstrap';
import { applyRemote } from '../rebase';
import { replicaSchemaTag } from '../snapshot-restore';
import { getSyncState, initSyncState, updateSyncState } from '../sync-repo';
import type { FromSeedWorker, PublishedSeed, ToSeedWorker } from './protocol';

/** The seed's own client id: never a real PC's (those are random UUIDs). */
const SEED_CLIENT = '00000000-0000-7000-8000-000000000000';

let db: Sqlite | null = null;
let writeLines: ((lines: string[], cursor: number) => void) | null = null;

function open(file: string): number {
  // Opened again after a failed refresh: the cursor saved with the rows is the truth.
  if (db) return getSyncState(db)!.cursor;
  db = openDatabase(file);
  migrateDatabase(db);
  // A lost commit after a power cut is pulled again: the cursor rolls back with the rows.
  db.pragma('synchronous = NORMAL');
  if (!getSyncState(db)) initSyncState(db, 'seed:', SEED_CLIENT);
  return getSyncState(db)!.cursor;
}

function rows(body: string, cursor: number): number {
  const d = db!;
  const s = getSyncState(d)!;
  const lines = body.split('\n');
  if (s.bootstrapping) {
    // First build: bulk rows with the derived indexes and triggers deferred.
    if (!writeLines) {
      deferDerived(d);
      writeLines = createRowLineWriter(d, Date.now);
    }
    writeLines(lines, cursor);
  } else {
    const changes = lines.map((l) => JSON.parse(l) as RowChange);
    d.transaction(() => {
      applyRemote(d, changes, new Set(), Date.now());
      updateSyncState(d, { cursor });
    })();
  }
  return cursor;
}

function publish(file: string): PublishedSeed {
  const d = db!;
  if (getSyncState(d)!.bootstrapping) {
    finishBootstrap(d);
    updateSyncState(d, { bootstrapping: false });
    writeLines = null;
  }
  d.pragma('wal_checkpoint(TRUNCATE)');
  const count = (t: string) => (d.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n;
  const info = {
    cursor: getSyncState(d)!.cursor,
    reports: count('reports'),
    rows: SYNC_TABLES.reduce((n, t) => n + count(t), 0),
    schema: replicaSchemaTag(d),
  };
  // VACUUM INTO writes a compact copy (no free pages left by the index rebuilds) in
  // rollback-journal mode: every byte a PC downloads is content.
  d.prepare('VACUUM INTO ?').run(file);
  const fd = openSync(file, 'r+');
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  let size = 0;
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, size)) > 0; size += n) hash.update(buf.subarray(0, n));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { ...info, size, sha256: hash.digest('hex') };
}

const port = parentPort!;
port.on('message', (m: ToSeedWorker) => {
  const reply = (r: FromSeedWorker) => port.postMessage(r);
  const fail = (e: unknown) => reply({ id: m.id, ok: false, message: (e as Error).message });
  try {
    if (m.op === 'open') reply({ id: m.id, ok: true, cursor: open(m.file), schema: replicaSchemaTag(db!) });
    else if (m.op === 'rows') reply({ id: m.id, ok: true, cursor: rows(m.body, m.cursor) });
    else if (m.op === 'reset') {
      // Started again from an empty file: quicker than deleting a million rows.
      const file = db!.name;
      db!.close();
      db = null;
      for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
      writeLines = null;
      reply({ id: m.id, ok: true, cursor: open(file) });
    } else if (m.op === 'publish') reply({ id: m.id, ok: true, published: publish(m.file) });
    else {
      db?.close();
      db = null;
      reply({ id: m.id, ok: true });
    }
  } catch (e) {
    fail(e);
  }
});

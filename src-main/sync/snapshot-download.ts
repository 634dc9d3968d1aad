/**
 * The client side of GET /sync/v1/snapshot (src-shared/sync/snapshot.ts): downloads the
 * server's bootstrap snapshot next to the replica, resuming a cut download from where it
 * stopped, checks its SHA-256 and takes it as the replica (snapshot-restore.ts). Answers
 * `unavailable` when the server has no snapshot for this PC (a supplier, a schema of
 * another version, none built yet): the caller then streams rows (bootstrap.ts).
 */
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { dirname, join } from 'node:path';
import { SNAPSHOT_HEADERS, SNAPSHOT_PATH } from '../../src-shared/sync/snapshot';
import type { Sqlite } from '../db/migrate';
import { backgroundSha256 } from './hash-worker';
import { jsonOrNull, refusalOf, SyncHttpError } from './http';
import { replicaSchemaTag, restoreSnapshot, SnapshotMismatchError } from './snapshot-restore';
import type { SyncState } from './sync-repo';

export type SnapshotOutcome =
  { kind: 'done'; rows: number; cursor: number } | { kind: 'unavailable' } | { kind: 'stopped' };

export interface SnapshotDeps {
  db: Sqlite;
  /** Runs `fn` with the core's connection alone on the file (checkpoints paused). */
  alone?: <T>(fn: () => T) => Promise<T>;
  isStopped: () => boolean;
  onProgress: (rows: number, total: number | null) => void;
}

/** No byte for this long: the download is considered dead (the next sync resumes it). */
const IDLE_MS = 60_000;
const PART = 'bootstrap-snapshot.part';

interface PartInfo {
  etag: string;
  serverUrl: string;
}

const partFiles = (db: Sqlite) => {
  const file = join(dirname(db.name), PART);
  return { file, info: `${file}.json` };
};

async function removePartialSnapshotLater(db: Sqlite): Promise<void> {
  const p = partFiles(db);
  await Promise.all(
    [p.file, p.info, `${p.file}-wal`, `${p.file}-shm`].map((f) => rm(f, { force: true })),
  ).catch(() => undefined);
}

export function removePartialSnapshot(db: Sqlite): void {
  const p = partFiles(db);
  for (const f of [p.file, p.info, `${p.file}-wal`, `${p.file}-shm`]) rmSync(f, { force: true });
}

function readPart(db: Sqlite, serverUrl: string): { etag: string; bytes: number } | null {
  const p = partFiles(db);
  try {
    const info = JSON.parse(readFileSync(p.info, 'utf8')) as PartInfo;
    if (info.serverUrl !== serverUrl || !existsSync(p.file)) return null;
    return { etag: info.etag, bytes: statSync(p.file).size };
  } catch {
    return null;
  }
}

export async function downloadSnapshot(deps: SnapshotDeps, s: SyncState): Promise<SnapshotOutcome> {
  const { db } = deps;
  const p = partFiles(db);
  const part = readPart(db, s.serverUrl);
  const url = new URL(SNAPSHOT_PATH, s.serverUrl);
  url.searchParams.set('clientId', s.clientId);
  url.searchParams.set('schema', replicaSchemaTag(db));
  const headers: http.OutgoingHttpHeaders = {
    ...(s.token ? { authorization: `Bearer ${s.token}` } : {}),
    ...(part && part.bytes > 0 ? { range: `bytes=${part.bytes}-`, 'if-range': part.etag } : {}),
  };
  const res = await request(url, headers);
  if (res.statusCode === 404) {
    res.resume();
    removePartialSnapshot(db);
    return { kind: 'unavailable' };
  }
  if (res.statusCode !== 200 && res.statusCode !== 206) throw await refusal(res);

  const etag = String(res.headers.etag ?? '');
  const cursor = Number(res.headers[SNAPSHOT_HEADERS.cursor]);
  const sha256 = String(res.headers[SNAPSHOT_HEADERS.sha256] ?? '');
  const rows = Number(res.headers[SNAPSHOT_HEADERS.rows]) || 0;
  const resumed = res.statusCode === 206 && part !== null;
  const start = resumed ? part.bytes : 0;
  const size = start + Number(res.headers['content-length']);
  if (!Number.isSafeInteger(cursor) || !/^[0-9a-f]{64}$/.test(sha256) || !Number.isFinite(size)) {
    res.resume();
    throw new SyncHttpError('bad_response', 'Risposta del server non valida (copia iniziale).');
  }
  writeFileSync(p.info, JSON.stringify({ etag, serverUrl: s.serverUrl } satisfies PartInfo));
  const hash = backgroundSha256();
  try {
    if (resumed) await hash.file(p.file);
    else rmSync(p.file, { force: true });
  } catch (e) {
    hash.close();
    throw e;
  }

  let received = start;
  const progress = () => deps.onProgress(Math.round((rows * received) / Math.max(size, 1)), rows);
  progress();
  let lastShown = 0;
  let lastData = Date.now();
  const idle = setInterval(() => {
    if (Date.now() - lastData > IDLE_MS) res.destroy(new Error('nessun dato dal server'));
  }, 5_000);
  idle.unref?.();
  // Plain 'data' events and synchronous appends: two gigabytes through an async
  // pipeline cost about a second and a half more CPU on this path.
  const fd = openSync(p.file, resumed ? 'a' : 'w');
  let stopped = false;
  try {
    await new Promise<void>((resolve, reject) => {
      res.on('data', (b: Buffer) => {
        lastData = Date.now();
        hash.update(b);
        writeSync(fd, b);
        received += b.length;
        if (received - lastShown >= 16 << 20) {
          lastShown = received;
          progress();
        }
        if (deps.isStopped()) {
          stopped = true;
          res.destroy();
          resolve();
        }
      });
      res.on('end', resolve);
      res.on('aborted', () => reject(new Error('connessione interrotta')));
      res.on('error', reject);
      res.on('close', () => (res.complete ? resolve() : reject(new Error('connessione interrotta'))));
    });
  } catch (e) {
    hash.close();
    throw new SyncHttpError(
      'network',
      `Download interrotto (${(e as Error).message}): riprendo dal punto raggiunto.`,
    );
  } finally {
    closeSync(fd);
    clearInterval(idle);
  }
  if (stopped || received !== size) {
    hash.close();
    if (stopped) return { kind: 'stopped' };
    throw new SyncHttpError('network', 'Download interrotto: riprendo dal punto raggiunto.');
  }
  if ((await hash.digest()) !== sha256) {
    removePartialSnapshot(db);
    throw new SyncHttpError('bad_response', 'Copia iniziale scaricata danneggiata: la scarico di nuovo.');
  }
  progress();
  try {
    const restore = () => restoreSnapshot(db, p.file, cursor);
    await (deps.alone ? deps.alone(restore) : restore());
  } catch (e) {
    removePartialSnapshot(db);
    if (e instanceof SnapshotMismatchError) return { kind: 'unavailable' };
    throw e;
  }
  // Unlinking two gigabytes takes a while: not on the way to the clerk's first screen.
  void removePartialSnapshotLater(db);
  return { kind: 'done', rows, cursor };
}

function request(url: URL, headers: http.OutgoingHttpHeaders): Promise<http.IncomingMessage> {
  const get = url.protocol === 'https:' ? https.get : http.get;
  return new Promise((resolve, reject) => {
    const req = get(url, { headers }, resolve);
    req.setTimeout(IDLE_MS, () => req.destroy(new Error('nessuna risposta')));
    req.on('error', (e) => reject(new SyncHttpError('network', `Server non raggiungibile (${e.message}).`)));
  });
}

async function refusal(res: http.IncomingMessage): Promise<SyncHttpError> {
  let text = '';
  for await (const c of res) text += (c as Buffer).toString('utf8');
  return refusalOf(res.statusCode ?? 0, jsonOrNull(text));
}

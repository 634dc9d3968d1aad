/**
 * The server's seed: a replica the server keeps of its own staff view (with reporters),
 * published as bootstrap snapshots (GET /sync/v1/snapshot). A new PC then downloads one
 * file instead of building a million-report replica row by row, and pulls the versions
 * after it as usual.
 *
 * Rows come from the storage (staffPages, the same pages the NDJSON bootstrap streams);
 * all SQLite work runs in a worker thread (seed-worker.ts). A refresh brings the seed up
 * to the newest version and, when it moved, publishes `snapshot-<cursor>.db` with a
 * `.json` description (size, SHA-256, counts, schema), written once complete; the
 * previous file is removed (a download under way keeps reading it where the OS allows;
 * a resume then starts again from the new one). Refreshes run at start and every
 * `refreshMs`; one at a time.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { staffPages } from '../../../src-server/bootstrap';
import { maxVersion } from '../../../src-server/rows';
import type { SnapshotInfo, SnapshotSource } from '../../../src-server/routes-snapshot';
import type { Storage } from '../../../src-server/storage/storage';
import type { FromSeedWorker, PublishedSeed, ToSeedWorker } from './protocol';

export interface SeedKeeperOptions {
  storage: Storage;
  /** Holds seed.db and the published snapshots. */
  dir: string;
  /** Between refreshes; default 15 minutes. 0: only when refresh() is called. */
  refreshMs?: number;
  log?: (message: string) => void;
}

export interface SeedKeeper extends SnapshotSource {
  /** Brings the seed up to date and publishes it if it moved; resolves with the newest snapshot. */
  refresh(): Promise<SnapshotInfo | null>;
}

type Out = ToSeedWorker extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never;

const SNAPSHOT = /^snapshot-(\d+)\.db$/;

// An eval'd CommonJS entry registers tsx, then loads the TypeScript worker (the server
// runs from sources, as `sportello` does).
const BOOT = `import('tsx/esm/api').then((m) => { m.register(); return import(require('node:worker_threads').workerData.entry); })`;

/**
 * Every published file but `keep` goes. Best effort: where the OS refuses to delete a
 * file being downloaded (Windows), it goes at a later publication.
 */
function removeOthers(dir: string, keep: string): void {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (!name.startsWith('snapshot-') || file === keep || file === `${keep}.json`) continue;
    try {
      rmSync(file, { force: true });
    } catch {
      // Still open: next time.
    }
  }
}

function findPublished(dir: string): SnapshotInfo | null {
  let best: SnapshotInfo | null = null;
  for (const name of readdirSync(dir)) {
    if (!SNAPSHOT.test(name)) continue;
    const file = join(dir, name);
    try {
      const d = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as PublishedSeed;
      if (statSync(file).size !== d.size) continue;
      if (!best || d.cursor > best.cursor) best = { ...d, file };
    } catch {
      // No description: never completed.
    }
  }
  return best;
}

export function createSeedKeeper(opts: SeedKeeperOptions): SeedKeeper {
  mkdirSync(opts.dir, { recursive: true });
  const log = opts.log ?? (() => undefined);
  let latest = findPublished(opts.dir);
  let announced = false;
  let closed = false;
  let worker: Worker | null = null;
  let opened: Promise<number> | null = null;
  /** The seed's replica schema (this server's migrations), once open. */
  let schema: string | null = null;
  let next = 0;
  const waiting = new Map<number, { resolve: (m: FromSeedWorker) => void; reject: (e: Error) => void }>();

  const startWorker = () => {
    const w = new Worker(BOOT, {
      eval: true,
      workerData: { entry: new URL('./seed-worker.ts', import.meta.url).href },
    });
    w.on('message', (m: FromSeedWorker) => {
      const p = waiting.get(m.id);
      waiting.delete(m.id);
      p?.resolve(m);
    });
    const failAll = (e: Error) => {
      for (const p of waiting.values()) p.reject(e);
      waiting.clear();
      worker = null;
      opened = null;
    };
    w.on('error', failAll);
    w.on('exit', () => failAll(new Error('seed: worker terminato')));
    return w;
  };
  const ask = (msg: Out): Promise<FromSeedWorker & { ok: true }> => {
    worker ??= startWorker();
    const id = ++next;
    const w = worker;
    return new Promise((resolve, reject) => {
      waiting.set(id, {
        resolve: (m) => (m.ok ? resolve(m) : reject(new Error(m.message))),
        reject,
      });
      w.postMessage({ ...msg, id } as ToSeedWorker);
    });
  };

  async function update(): Promise<SnapshotInfo | null> {
    try {
      return await bringUpToDate();
    } catch (e) {
      // The worker's cursor (saved with its rows) is read again next time.
      opened = null;
      throw e;
    }
  }

  async function bringUpToDate(): Promise<SnapshotInfo | null> {
    opened ??= ask({ op: 'open', file: join(opts.dir, 'seed.db') }).then((m) => {
      schema = m.schema!;
      return m.cursor!;
    });
    let cursor = await opened;
    if (cursor > (await maxVersion(opts.storage))) {
      // The seed is ahead of the database: another database (a restore, a new server).
      log('Copia iniziale di un altro database: la ricostruisco.');
      await ask({ op: 'reset' });
      // Its files hold another database's rows: never served again.
      removeOthers(opts.dir, '');
      latest = null;
      cursor = 0;
    }
    const from = cursor;
    for await (const page of staffPages(opts.storage, true, cursor, () => closed)) {
      cursor = (await ask({ op: 'rows', body: page.body, cursor: page.cursor })).cursor!;
    }
    opened = Promise.resolve(cursor);
    // An update of the server migrates the seed: its file is published again for the new schema.
    const current = latest !== null && latest.cursor >= cursor && latest.schema === schema;
    if (closed || current || cursor === 0) {
      if (latest && !announced) log(`Copia iniziale pronta: versione ${latest.cursor} (già aggiornata)`);
      announced = true;
      return latest;
    }
    const started = Date.now();
    const file = join(opts.dir, `snapshot-${cursor}.db`);
    const tmp = `${file}.tmp`;
    rmSync(tmp, { force: true });
    const published = (await ask({ op: 'publish', file: tmp })).published!;
    renameSync(tmp, file);
    writeFileSync(`${file}.json`, JSON.stringify(published));
    latest = { ...published, file };
    announced = true;
    removeOthers(opts.dir, file);
    log(
      `Copia iniziale pronta: versione ${cursor} (${published.reports} segnalazioni, ` +
        `${Math.round(published.size / 1048576)} MB; da versione ${from}, ${Date.now() - started} ms per pubblicarla)`,
    );
    return latest;
  }

  let running: Promise<SnapshotInfo | null> | null = null;
  const refresh = (): Promise<SnapshotInfo | null> => {
    if (closed) return Promise.resolve(latest);
    running ??= update().finally(() => {
      running = null;
    });
    return running;
  };
  const background = () =>
    void refresh().catch((e: unknown) => log(`Copia iniziale non aggiornata: ${(e as Error).message}`));
  const timer = opts.refreshMs === 0 ? null : setInterval(background, opts.refreshMs ?? 15 * 60_000);
  timer?.unref();
  if (opts.refreshMs !== 0) setImmediate(background);

  return {
    latest: () => latest,
    refresh,
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
      if (worker) {
        await ask({ op: 'close' }).catch(() => undefined);
        await worker?.terminate();
      }
    },
  };
}

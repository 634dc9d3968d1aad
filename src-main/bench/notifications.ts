/**
 * Suite `notifications`: the bell on a replica of N reports. Colleague notifications are
 * derived from the log on every read (see src-main/notifications), so this measures that
 * read through core.call as the renderer makes it, marking as read, and what the two
 * partial indexes of migration 0008 cost to build on a replica of that size.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, DB_FILE, type CoreInternals } from '../core/create-core';
import { DEMO_OPERATOR } from '../core/demo/demo-data';
import { defaultReplicaDir, ensureReplica } from './replica-cache';
import { emit, log, percentile, sample, type Figure } from './stats';

const ITERATIONS = 200;
const WARMUP = 20;

export async function runNotificationsBench(opts: { reports: number; dataDir?: string }): Promise<Figure[]> {
  const figures: Figure[] = [];
  const put = (name: string, value: number, unit: Figure['unit'] = 'ms') => {
    const f: Figure = { suite: 'notifications', name, value, unit };
    figures.push(f);
    emit(f);
  };
  const replica = await ensureReplica(opts.dataDir ?? defaultReplicaDir(opts.reports), opts.reports);
  const work = mkdtempSync(join(tmpdir(), 'sportello-bench-notif-'));
  let core: CoreInternals | undefined;
  try {
    log('[bench] Copio la replica in una cartella di lavoro…');
    copyFileSync(replica.file, join(work, DB_FILE));
    core = await createCore({ dataDir: work });
    const db = core.services.db;

    log('[bench] Costruzione degli indici parziali (migrazione 0008)…');
    for (const name of ['log_entries_assigned', 'log_entries_mentions']) {
      const sql = (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(name) as { sql: string })
        .sql;
      db.exec(`DROP INDEX ${name}`);
      const t = performance.now();
      db.exec(sql);
      put(`${name}_build_ms`, performance.now() - t);
    }
    const entries = (db.prepare('SELECT count(*) AS n FROM log_entries').get() as { n: number }).n;
    log(`[bench] ${entries.toLocaleString('it-IT')} voci di registro`);

    const login = await core.call('auth.login', DEMO_OPERATOR, null);
    if (!login.ok) throw new Error(`auth.login: ${login.error.message}`);
    const session = (login.value as { token: string }).token;
    const c = core;
    const call = async <T>(name: string, input: unknown): Promise<T> => {
      const r = await c.call(name, input, session);
      if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
      return r.value as T;
    };

    log('[bench] notifications.list (la campanella di Lucia Verdi)…');
    const first = await call<{ unread: number; items: unknown[] }>('notifications.list', {});
    log(`[bench] ${first.unread} notifiche da leggere, ${first.items.length} mostrate`);
    const list = await sample(ITERATIONS, WARMUP, async () => {
      await call('notifications.list', {});
    });
    put('list_p50_ms', percentile(list, 50));
    put('list_p95_ms', percentile(list, 95));
    const mark = await sample(5, 0, async () => {
      await call('notifications.markRead', { all: true });
    });
    put('mark_all_read_p50_ms', percentile(mark, 50));
  } finally {
    core?.close();
    rmSync(work, { recursive: true, force: true });
  }
  return figures;
}

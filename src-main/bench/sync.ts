/**
 * Suite `sync`: a real PostgreSQL (Debian's binaries, cached with N reports, see
 * sync-postgres.ts), the real server on loopback in its own process
 * (sync-server-process.ts), real replicas (createCore).
 *
 *   bootstrap_reports_per_s      N reports with all their rows into an empty replica,
 *                                search index included (sync.connect until it returns):
 *                                the server's bootstrap snapshot (kept up to date from
 *                                PostgreSQL by the server in the background; the wait for
 *                                it is logged, not counted), then the versions after it
 *   bootstrap_stream_reports_per_s  the same from a server without snapshots: rows
 *                                streamed from PostgreSQL and written one by one (what a
 *                                supplier's PC does, and any PC when no snapshot is ready)
 *   propagation_p50/p95_ms       a note added on replica A, visible in replica B's SQLite
 *                                (A pushes at once, the server pokes B, B pulls)
 *   server_mutations_per_s       4 clients pushing batches of 100 mutations at once; A and
 *                                B are closed meanwhile: on this 2-core machine their SQLite
 *                                work would be counted against the server (in a municipality
 *                                they are other PCs), and they catch up afterwards
 *   startup_with_10k_pending_ms  createCore on a replica with 10,000 outbox rows until
 *                                the API answers
 *   push_10k_offline_s           those 10,000 mutations pushed, confirmed, and visible
 *                                in another replica
 *
 * A and B are copies of the bootstrapped replica registered as two new PCs (their own
 * client ids): the server is told they hold the same view, so they do not bootstrap again.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zPushResponse } from '../../src-shared/sync/protocol';
import { createCore, DB_FILE, type CoreInternals } from '../core/create-core';
import { startProxy, type Proxy } from '../sync/testing/proxy';
import { BENCH_USER, ensureSyncPostgres, type BenchPostgres } from './sync-postgres';
import { startReplicaProcess, type ReplicaProcess } from './sync-replica-process';
import { startServerProcess, type ServerProcess } from './sync-server-process';
import { emit, log, percentile, type Figure } from './stats';

export const SYNC_TARGETS: Record<string, { min?: number; max?: number }> = {
  bootstrap_reports_per_s: { min: 80_000 },
  propagation_p50_ms: { max: 10 },
  propagation_p95_ms: { max: 30 },
  server_mutations_per_s: { min: 10_000 },
  push_10k_offline_s: { max: 2 },
  startup_with_10k_pending_ms: { max: 500 },
};

const PROPAGATION_SAMPLES = 200;
const OFFLINE_MUTATIONS = 10_000;

export async function runSyncBench(opts: { reports: number; dataDir?: string }): Promise<Figure[]> {
  const figures: Figure[] = [];
  const put = (name: string, value: number, unit: Figure['unit']) => {
    const f: Figure = { suite: 'sync', name, value, unit };
    figures.push(f);
    emit(f);
  };
  const pgc: BenchPostgres = await ensureSyncPostgres(opts.reports, opts.dataDir);
  const work = mkdtempSync(join(tmpdir(), 'sportello-bench-sync-'));
  const cores: CoreInternals[] = [];
  let server: ServerProcess | null = null;
  let proxy: Proxy | null = null;
  let bProc: ReplicaProcess | null = null;
  try {
    // The server keeps its bootstrap snapshot next to the cached cluster (it is removed
    // with it): built once, then brought up to date at each run from its cursor.
    server = await startServerProcess(pgc.databaseUrl, join(pgc.dir ?? work, 'seed'));
    const srv = server;
    const count = (core: CoreInternals, sql: string) =>
      (core.services.db.prepare(sql).get() as { n: number }).n;
    /** A new PC connects until its replica is complete and indexed; returns the seconds. */
    const bootstrap = async (dir: string, url: string): Promise<{ core: CoreInternals; s: number }> => {
      const core = await createCore({ dataDir: dir });
      const t0 = performance.now();
      const conn = await core.call('sync.connect', { serverUrl: url, ...BENCH_USER }, null);
      const s = (performance.now() - t0) / 1000;
      if (!conn.ok) throw new Error(`sync.connect: ${conn.error.message}`);
      const got = count(core, 'SELECT count(*) AS n FROM reports');
      const indexed = count(core, 'SELECT count(*) AS n FROM reports_fts');
      if (got < opts.reports || indexed !== got) {
        throw new Error(`Bootstrap incompleto: ${got} segnalazioni, ${indexed} nell'indice.`);
      }
      log(`  ${s.toFixed(1)} s, ${got} segnalazioni, indice completo`);
      return { core, s };
    };

    // 1. Bootstrap of an empty replica: the server's snapshot file, then the versions after it.
    const [top] = await srv.query<{ v: string }>('SELECT max(version)::text AS v FROM sync_rows');
    log('[bench] Attendo che il server aggiorni la copia iniziale…');
    const tSeed = performance.now();
    await srv.snapshotAt(Number(top!.v));
    log(
      `  pronta in ${((performance.now() - tSeed) / 1000).toFixed(1)} s (lavoro del server, in background)`,
    );
    log(`[bench] Bootstrap di ${opts.reports.toLocaleString('it-IT')} segnalazioni (copia iniziale)…`);
    const rDir = join(work, 'r');
    const { core: r, s: bootS } = await bootstrap(rDir, srv.url);
    put('bootstrap_reports_per_s', opts.reports / bootS, 'reports/s');
    // The same from rows streamed out of PostgreSQL (a server without snapshots; what a
    // supplier's PC and a view without reporter data do).
    {
      log(`[bench] Bootstrap di ${opts.reports.toLocaleString('it-IT')} segnalazioni (righe in streaming)…`);
      const plain = await startServerProcess(pgc.databaseUrl, null);
      const sDir = join(work, 's');
      try {
        const { core, s } = await bootstrap(sDir, plain.url);
        core.close();
        put('bootstrap_stream_reports_per_s', opts.reports / s, 'reports/s');
      } finally {
        await plain.close();
        rmSync(sDir, { recursive: true, force: true });
      }
    }
    const rClient = r.services.db.prepare('SELECT client_id FROM sync_state').pluck().get() as string;
    r.close();

    // Two more PCs: copies of that replica with their own client ids.
    const [view] = await srv.query<{ view_hash: string }>(
      'SELECT view_hash FROM clients WHERE client_id = $1',
      [rClient],
    );
    proxy = await startProxy({ host: '127.0.0.1', port: srv.port });
    const pcProxy = proxy;
    const clone = async (name: string, url: string) => {
      const dir = join(work, name);
      mkdirSync(dir);
      copyFileSync(join(rDir, DB_FILE), join(dir, DB_FILE));
      const core = await createCore({ dataDir: dir });
      cores.push(core);
      core.services.db
        .prepare('UPDATE sync_state SET client_id = ?, token = NULL, server_url = ?')
        .run(randomUUID(), url);
      const res = await core.sync.serverLogin(url, BENCH_USER.username, BENCH_USER.password);
      await srv.query('UPDATE clients SET view_hash = $2 WHERE client_id = $1', [
        core.services.db.prepare('SELECT client_id FROM sync_state').pluck().get(),
        view!.view_hash,
      ]);
      await core.sync.syncNow();
      const login = await core.call('auth.login', BENCH_USER, null);
      if (!login.ok) throw new Error(`auth.login: ${login.error.message}`);
      const session = (login.value as { token: string }).token;
      return { core, dir, session, userId: res.userId };
    };
    const a = await clone('a', pcProxy.url);
    const b = await clone('b', srv.url);
    b.core.close();
    cores.splice(cores.indexOf(b.core), 1);
    const reportIds = a.core.services.db
      .prepare('SELECT id FROM reports ORDER BY seq DESC LIMIT 500')
      .pluck()
      .all() as string[];

    // 2. Propagation A → B.
    log(`[bench] Propagazione A → B (${PROPAGATION_SAMPLES} modifiche)…`);
    // B is another PC: its own process (sync-replica-process.ts) watches its SQLite.
    bProc = await startReplicaProcess(b.dir);
    const waitFor = (reportId: string, text: string, ms = 10_000) => bProc!.waitFor(reportId, text, ms);
    const samples: number[] = [];
    for (let i = 0; i < PROPAGATION_SAMPLES + 20; i++) {
      const text = `Propagazione ${i} ${randomUUID()}`;
      const id = reportIds[i % reportIds.length]!;
      const arrived = waitFor(id, text);
      const t = performance.now();
      const res = await a.core.call('reports.addNote', { id, text }, a.session);
      if (!res.ok) throw new Error(res.error.message);
      // No explicit syncNow: the path a clerk's edit takes (notifyLocalChange) is measured.
      await arrived;
      if (i >= 20) samples.push(performance.now() - t);
      await a.core.sync.syncNow();
    }
    put('propagation_p50_ms', percentile(samples, 50), 'ms');
    put('propagation_p95_ms', percentile(samples, 95), 'ms');

    // 3. Server throughput: 4 clients, batches of 100, the replicas closed meanwhile.
    log('[bench] Mutazioni sul server (4 client, lotti da 100; A e B chiusi)…');
    a.core.close();
    cores.splice(cores.indexOf(a.core), 1);
    await bProc.close();
    const clients = await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const clientId = randomUUID();
        const res = await fetch(`${srv.url}/sync/v1/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...BENCH_USER, clientId }),
        });
        const body = (await res.json()) as { token: string };
        return { clientId, token: body.token, seq: 0 };
      }),
    );
    const BATCHES = 25;
    const pushBatch = async (c: (typeof clients)[number], k: number) => {
      const mutations = Array.from({ length: 100 }, (_, j) => ({
        seq: ++c.seq,
        mutationId: randomUUID(),
        name: 'report.addNote',
        args: { reportId: reportIds[(k * 100 + j) % reportIds.length], text: `Nota dal carico ${k}.${j}` },
        at: Date.now(),
      }));
      const res = await fetch(`${srv.url}/sync/v1/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` },
        body: JSON.stringify({ clientId: c.clientId, mutations }),
      });
      const out = zPushResponse.parse(await res.json());
      if (out.outcomes.some((o) => o.status !== 'applied'))
        throw new Error('Mutazione rifiutata dal server.');
    };
    await pushBatch(clients[0]!, 0);
    const tm = performance.now();
    await Promise.all(
      clients.map(async (c) => {
        for (let k = 0; k < BATCHES; k++) await pushBatch(c, k);
      }),
    );
    const mutMs = performance.now() - tm;
    put('server_mutations_per_s', (clients.length * BATCHES * 100) / (mutMs / 1000), 'mutations/s');
    // A and B start again and catch up, as PCs switched on after a busy morning.
    a.core = await createCore({ dataDir: a.dir });
    cores.push(a.core);
    await a.core.sync.syncNow();
    bProc = await startReplicaProcess(b.dir);
    await bProc.syncNow();

    // 4 + 5. A works offline, restarts with 10,000 pending mutations, then pushes them.
    log(`[bench] ${OFFLINE_MUTATIONS} modifiche offline su A…`);
    pcProxy.down();
    a.core.sync.stop();
    const lastText = `Ultima offline ${randomUUID()}`;
    for (let i = 0; i < OFFLINE_MUTATIONS; i++) {
      const text = i === OFFLINE_MUTATIONS - 1 ? lastText : `Offline ${i}`;
      const res = await a.core.call(
        'reports.addNote',
        { id: reportIds[i % reportIds.length], text },
        a.session,
      );
      if (!res.ok) throw new Error(res.error.message);
    }
    a.core.close();
    cores.splice(cores.indexOf(a.core), 1);
    const ts = performance.now();
    const a2 = await createCore({ dataDir: a.dir });
    cores.push(a2);
    const status = await a2.call('sync.status', {}, null);
    const startMs = performance.now() - ts;
    if (!status.ok) throw new Error(status.error.message);
    if ((status.value as { pending: number }).pending !== OFFLINE_MUTATIONS) {
      throw new Error(
        `Attese ${OFFLINE_MUTATIONS} modifiche in coda, trovate ${(status.value as { pending: number }).pending}.`,
      );
    }
    put('startup_with_10k_pending_ms', startMs, 'ms');

    log('[bench] Invio delle 10.000 modifiche…');
    const arrived = waitFor(reportIds[(OFFLINE_MUTATIONS - 1) % reportIds.length]!, lastText, 60_000);
    // Rejections are awaited below; none may go unhandled meanwhile.
    arrived.catch(() => undefined);
    const tp = performance.now();
    pcProxy.up();
    await a2.sync.syncNow();
    const pending = (a2.sync.status() as { pending: number }).pending;
    await arrived;
    const pushMs = performance.now() - tp;
    if (pending !== 0) throw new Error(`Dopo l'invio restano ${pending} modifiche in coda.`);
    put('push_10k_offline_s', pushMs / 1000, 's');
  } finally {
    await bProc?.close();
    for (const c of cores) c.close();
    await proxy?.close();
    await server?.close();
    pgc.stop();
    rmSync(work, { recursive: true, force: true });
  }

  log('[bench] Riepilogo (obiettivi della specifica):');
  for (const [name, t] of Object.entries(SYNC_TARGETS)) {
    const f = figures.find((x) => x.name === name);
    if (!f) continue;
    const ok = (t.min === undefined || f.value >= t.min) && (t.max === undefined || f.value <= t.max);
    const goal = t.min !== undefined ? `≥ ${t.min}` : `≤ ${t.max}`;
    log(`  ${ok ? 'OK  ' : 'NO  '} ${name} = ${f.value.toFixed(3)} ${f.unit} (obiettivo ${goal})`);
  }
  return figures;
}

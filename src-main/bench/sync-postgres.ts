/**
 * The PostgreSQL of the sync benchmark: a cluster from Debian's binaries (as
 * src-server/testing/postgres.ts), kept in `.data/bench-sync-<N>/` with the server's
 * database already holding N reports, because loading millions of rows takes minutes.
 * The rows come from the benchmark's SQLite replica (replica-cache.ts), converted to the
 * server's domain rows by replicaRows (as `sportello server import` does) and loaded with
 * COPY through psql.
 */
import { spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { rowKey, type SyncTable } from '../../src-shared/sync/protocol';
import { createServer } from '../../src-server/app';
import { ownerOf } from '../../src-server/rows';
import { binDir, freePort, postgresIds, runPg } from '../../src-server/testing/postgres';
import type { TableName } from '../../src-shared/domain';
import { replicaCodeCounters, replicaRows } from '../db/repos/replica-rows';
import type { Sqlite } from '../db/migrate';
import { defaultReplicaDir, ensureReplica } from './replica-cache';
import { log } from './stats';

/** Bump when the loaded rows change: cached clusters are rebuilt. */
const LOADER_VERSION = 2;
const MARKER = 'bench-sync.json';
export const BENCH_DB = 'sportello';
/**
 * The loaded database, kept untouched: every run starts from a copy of it. A run writes
 * some 20,000 notes (and touches reports); without the copy each run would bootstrap more
 * rows than the last and the figures would drift.
 */
const PRISTINE_DB = 'sportello_loaded';
export const BENCH_USER = { username: 'bench.admin', password: 'password-del-bench' };

export interface BenchPostgres {
  databaseUrl: string;
  /** The cluster's cache folder (removed with the cluster when it is loaded again). */
  dir?: string;
  stop(): void;
}

export const defaultSyncDir = (reports: number) => resolve(process.cwd(), '.data', `bench-sync-${reports}`);

async function startCluster(dir: string, init: boolean): Promise<BenchPostgres> {
  const bin = binDir();
  const data = join(dir, 'pg');
  if (init) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(data, { recursive: true });
    if (process.getuid?.() === 0) {
      const { uid, gid } = postgresIds();
      chownSync(data, uid, gid);
    }
    runPg(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  }
  const sock = mkdtempSync(join(tmpdir(), 'sportello-bench-pg-'));
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresIds();
    chownSync(sock, uid, gid);
  }
  const port = await freePort();
  runPg(join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    join(sock, 'log'),
    '-w',
    '-o',
    // Durable enough for a benchmark; shared_buffers sized for a million reports.
    `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1 -c synchronous_commit=off -c shared_buffers=1GB -c max_connections=200`,
    'start',
  ]);
  return {
    databaseUrl: `postgres://postgres@127.0.0.1:${port}/${BENCH_DB}`,
    stop() {
      try {
        runPg(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(sock, { recursive: true, force: true });
      }
    },
  };
}

/**
 * One benchmark at a time per cached cluster: a second run (another engineer's, on the
 * same machine) waits for the first to stop its cluster instead of failing to start it.
 * The lock is a directory holding the owner's pid; a dead owner's lock is taken over.
 */
async function lockCluster(dir: string): Promise<() => void> {
  const lock = `${dir}.lock`;
  const t0 = Date.now();
  for (let announced = false; ;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let owner = 0;
    try {
      owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    } catch {
      // Being written: look again shortly.
    }
    if (owner > 0 && !alive(owner)) {
      // Its run was killed: its cluster may still be running.
      if (existsSync(join(dir, 'pg', 'postmaster.pid'))) {
        try {
          runPg(join(binDir(), 'pg_ctl'), ['-D', join(dir, 'pg'), '-m', 'immediate', '-w', 'stop']);
        } catch {
          // Not running after all.
        }
      }
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() - t0 > 15 * 60_000) throw new Error(`Cluster di benchmark occupato da ${owner}: ${lock}`);
    if (!announced) log(`[bench] Il cluster ${dir} è in uso (pid ${owner}): attendo…`);
    announced = true;
    await new Promise((r) => setTimeout(r, 500));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Starts the cached cluster (loading it first when missing or stale), holding its lock until stop(). */
export async function ensureSyncPostgres(
  reports: number,
  dir = defaultSyncDir(reports),
): Promise<BenchPostgres> {
  const unlock = await lockCluster(dir);
  try {
    const pgc = await startSyncPostgres(reports, dir);
    return {
      databaseUrl: pgc.databaseUrl,
      dir,
      stop() {
        try {
          pgc.stop();
        } finally {
          unlock();
        }
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}

async function startSyncPostgres(reports: number, dir: string): Promise<BenchPostgres> {
  const markerFile = join(dir, MARKER);
  let cached = false;
  if (existsSync(markerFile)) {
    try {
      const m = JSON.parse(readFileSync(markerFile, 'utf8')) as { version: number; reports: number };
      cached = m.version === LOADER_VERSION && m.reports === reports;
    } catch {
      // A damaged marker: rebuilt below.
    }
  }
  if (cached) {
    log(`[bench] PostgreSQL in cache: ${dir}`);
    // A start failure (e.g. a cluster left running) is reported, never "fixed" by wiping it.
    const pgc = await startCluster(dir, false);
    try {
      await adminQuery(pgc, [
        `DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`,
        `CREATE DATABASE ${BENCH_DB} TEMPLATE ${PRISTINE_DB}`,
      ]);
    } catch (err) {
      pgc.stop();
      throw err;
    }
    return pgc;
  }
  const replica = await ensureReplica(defaultReplicaDir(reports), reports);
  const t0 = performance.now();
  log(`[bench] Carico ${reports.toLocaleString('it-IT')} segnalazioni in PostgreSQL (${dir})…`);
  const pgc = await startCluster(dir, true);
  try {
    const admin = new pg.Client({ connectionString: pgc.databaseUrl.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${BENCH_DB}`);
    await admin.end();
    // Migrations, default settings and the benchmark's administrator, as a real server.
    const server = await createServer({ databaseUrl: pgc.databaseUrl });
    await server.addUser({ ...BENCH_USER, fullName: 'Benchmark', role: 'amministratore' });
    await server.close();
    const sqlite = new Database(replica.file, { readonly: true });
    try {
      await loadRows(pgc.databaseUrl, sqlite);
    } finally {
      sqlite.close();
    }
    const c = new pg.Client({ connectionString: pgc.databaseUrl });
    await c.connect();
    await c.query('VACUUM ANALYZE');
    await c.query('CHECKPOINT');
    await c.end();
    await adminQuery(pgc, [`CREATE DATABASE ${PRISTINE_DB} TEMPLATE ${BENCH_DB}`]);
    writeFileSync(markerFile, JSON.stringify({ version: LOADER_VERSION, reports }, null, 2));
    log(`[bench] PostgreSQL pronto in ${Math.round((performance.now() - t0) / 100) / 10} s`);
    return pgc;
  } catch (err) {
    pgc.stop();
    throw err;
  }
}

/** Statements on the cluster's maintenance database (databases cannot be copied from inside). */
async function adminQuery(pgc: BenchPostgres, statements: string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: pgc.databaseUrl.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  try {
    for (const sql of statements) await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** COPY text format: backslash is the only special character JSON text can contain. */
const esc = (s: string) => s.replace(/\\/g, '\\\\');

async function loadRows(databaseUrl: string, db: Sqlite): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  const top = (await c.query('SELECT coalesce(max(version), 0)::text AS v FROM sync_rows')).rows as {
    v: string;
  }[];
  let version = Number(top[0]?.v ?? 0);
  for (const [year, lastSeq] of replicaCodeCounters(db)) {
    await c.query(
      `INSERT INTO code_counters (year, last_seq) VALUES ($1, $2)
       ON CONFLICT (year) DO UPDATE SET last_seq = greatest(code_counters.last_seq, excluded.last_seq)`,
      [year, lastSeq],
    );
  }
  await c.end();

  const url = new URL(databaseUrl);
  const psql = spawn(
    join(binDir(), 'psql'),
    [
      '-h',
      url.hostname,
      '-p',
      url.port,
      '-U',
      'postgres',
      '-d',
      BENCH_DB,
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      'COPY sync_rows (tbl, key, owner, data, version, deleted) FROM STDIN',
    ],
    { stdio: ['pipe', 'ignore', 'inherit'] },
  );
  const exited = once(psql, 'exit');
  let buf = '';
  let rows = 0;
  const put = async (table: SyncTable, row: Record<string, unknown>) => {
    const owner = ownerOf(table as TableName, row);
    buf += `${table}\t${esc(rowKey(table, row))}\t${owner === null ? '\\N' : owner}\t${esc(JSON.stringify(row))}\t${++version}\tf\n`;
    rows++;
    if (buf.length > 1 << 20) {
      const ok = psql.stdin.write(buf);
      buf = '';
      if (!ok) await once(psql.stdin, 'drain');
    }
    if (rows % 500_000 === 0) log(`  ${rows.toLocaleString('it-IT')} righe…`);
  };
  for (const { table, row } of replicaRows(db)) await put(table, row);
  psql.stdin.end(buf);
  const [code] = (await exited) as [number | null];
  if (code !== 0) throw new Error(`COPY in PostgreSQL fallita (psql ${code}).`);
  log(`  ${rows.toLocaleString('it-IT')} righe caricate.`);
}

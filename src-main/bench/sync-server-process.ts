/**
 * The sync benchmark's server: `sportello server` in its own process, as a municipality
 * runs it. In the benchmark's process it shared one event loop with the two replicas it
 * pokes, so every figure also counted the replicas' SQLite work (and the other way round),
 * and it could use only one of the machine's cores.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const CLI = fileURLToPath(new URL('../../bin/sportello.mjs', import.meta.url));
const READY = /pronto: (https?:\/\/\S+)/;

export interface ServerProcess {
  url: string;
  port: number;
  /** SQL on the server's database (the benchmark's own bookkeeping). */
  query<R>(text: string, params?: unknown[]): Promise<R[]>;
  /** Resolves when the server has published a bootstrap snapshot at `version` or later. */
  snapshotAt(version: number): Promise<void>;
  close(): Promise<void>;
}

const SNAPSHOT_READY = /Copia iniziale pronta: versione (\d+)/g;

/** `snapshotDir`: where the server keeps its bootstrap snapshots; null: none (rows are streamed). */
export async function startServerProcess(
  databaseUrl: string,
  snapshotDir: string | null,
): Promise<ServerProcess> {
  // Refreshed once at start (the benchmark waits for it), not again during the measures.
  const snapshotArgs = snapshotDir
    ? ['--snapshot-dir', snapshotDir, '--snapshot-minutes', '600']
    : ['--no-snapshots'];
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, 'server', '--database-url', databaseUrl, '--port', '0', ...snapshotArgs],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let snapshotVersion = 0;
  const snapshotWaiters = new Set<() => void>();
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    let ready = false;
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString('utf8');
      for (const m of out.matchAll(SNAPSHOT_READY)) snapshotVersion = Math.max(snapshotVersion, Number(m[1]));
      for (const w of snapshotWaiters) w();
      const m = READY.exec(out);
      if (!ready && m) {
        ready = true;
        resolve(m[1]!);
      }
      // Only the tail can still hold half a line.
      if (out.length > 4096) out = out.slice(-1024);
    });
    child.once('exit', (code) => reject(new Error(`Il server si è chiuso all'avvio (${code}).`)));
  });
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  return {
    url,
    port: Number(new URL(url).port),
    async query<R>(text: string, params?: unknown[]) {
      return (await db.query(text, params)).rows as R[];
    },
    snapshotAt(version: number) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (snapshotVersion >= version) {
            snapshotWaiters.delete(check);
            resolve();
          } else if (child.exitCode !== null) {
            snapshotWaiters.delete(check);
            reject(new Error('Il server si è chiuso prima della copia iniziale.'));
          }
        };
        snapshotWaiters.add(check);
        check();
      });
    },
    async close() {
      await db.end().catch(() => undefined);
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

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
  close(): Promise<void>;
}

export async function startServerProcess(databaseUrl: string): Promise<ServerProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, 'server', '--database-url', databaseUrl, '--port', '0'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString('utf8');
      const m = READY.exec(out);
      if (!m) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
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
    async close() {
      await db.end().catch(() => undefined);
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

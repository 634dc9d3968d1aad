/**
 * Replica B of the sync benchmark in its own process, as another clerk's PC: its pulls,
 * rebases and search-index updates no longer share an event loop (and the figures) with
 * replica A, which stands for a different PC. The parent asks over IPC to be told when a
 * given note is in B's SQLite; B answers the moment its own `data.changed` shows it.
 *
 * The child side runs when this file is the process's entry (SPORTELLO_BENCH_REPLICA set).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

type ToChild = { watch: number; reportId: string; text: string } | { sync: number } | { close: true };
type ToParent = { ready: true } | { seen: number } | { synced: number; error?: string };

export interface ReplicaProcess {
  /** Resolves when B's replica holds that note. */
  waitFor(reportId: string, text: string, ms?: number): Promise<void>;
  /** B syncs now (and catches up); resolves when done. */
  syncNow(): Promise<void>;
  close(): Promise<void>;
}

const SELF = fileURLToPath(import.meta.url);

export async function startReplicaProcess(dataDir: string): Promise<ReplicaProcess> {
  const child: ChildProcess = fork(SELF, [], {
    env: { ...process.env, SPORTELLO_BENCH_REPLICA: dataDir },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const waiting = new Map<number, (m: ToParent) => void>();
  child.on('message', (m: ToParent) => {
    const id = 'seen' in m ? m.seen : 'synced' in m ? m.synced : -1;
    waiting.get(id)?.(m);
    waiting.delete(id);
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', (m: ToParent) => ('ready' in m ? resolve() : reject(new Error('B: avvio'))));
    child.once('exit', (code) => reject(new Error(`La replica B si è chiusa all'avvio (${code}).`)));
  });
  const ask = (msg: ToChild, id: number) =>
    new Promise<ToParent>((resolve) => {
      waiting.set(id, resolve);
      child.send(msg);
    });
  return {
    async waitFor(reportId, text, ms = 10_000) {
      const id = ++next;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`La modifica non è arrivata su B entro ${ms / 1000} s.`)),
          ms,
        );
      });
      try {
        await Promise.race([ask({ watch: id, reportId, text }, id), timeout]);
      } finally {
        clearTimeout(timer);
        waiting.delete(id);
      }
    },
    async syncNow() {
      const id = ++next;
      const r = await ask({ sync: id }, id);
      if ('error' in r && r.error) throw new Error(r.error);
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.send({ close: true } satisfies ToChild);
      await exited;
    },
  };
}

async function childMain(dataDir: string): Promise<void> {
  const { createCore } = await import('../core/create-core');
  const core = await createCore({ dataDir });
  const db = core.services.db;
  // By the report's key: a scan of every log entry at each change would be the
  // benchmark's own cost, not the sync's.
  const seen = db
    .prepare(
      'SELECT 1 FROM log_entries WHERE report_seq = (SELECT seq FROM reports WHERE id = ?) AND text = ?',
    )
    .pluck();
  const watches = new Map<number, { reportId: string; text: string }>();
  const send = (m: ToParent) => process.send!(m);
  const check = () => {
    for (const [id, w] of watches) {
      if (!seen.get(w.reportId, w.text)) continue;
      watches.delete(id);
      send({ seen: id });
    }
  };
  core.on('data.changed', check);
  process.on('message', (m: ToChild) => {
    if ('watch' in m) {
      watches.set(m.watch, { reportId: m.reportId, text: m.text });
      check();
    } else if ('sync' in m) {
      core.sync.syncNow().then(
        () => send({ synced: m.sync }),
        (e: unknown) => send({ synced: m.sync, error: (e as Error).message }),
      );
    } else if ('close' in m) {
      core.close();
      process.exit(0);
    }
  });
  send({ ready: true });
}

const dir = process.env.SPORTELLO_BENCH_REPLICA;
if (dir && process.argv[1] === SELF) {
  childMain(dir).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}

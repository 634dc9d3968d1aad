/**
 * Group commit for pushes. Writers are serialised anyway (the advisory lock, apply.ts);
 * pushes that arrive while this process is writing wait here, and the next writer
 * transaction takes them all, in arrival order. One transaction then pays once for what
 * every transaction pays (its round trips, the reading of the version, counters and rows,
 * the write statement, the commit) instead of once per push, and the lock is held by one
 * connection of this process instead of being queued for by many. A push that finds no
 * writer running starts at once: grouping adds no wait.
 */
import type { Storage } from './storage/storage';

/** Enough to amortise a transaction, small enough that one is never huge. */
const MAX_GROUP_MUTATIONS = 4_000;

export interface QueuedJob<I, O> {
  input: I;
  resolve(v: O): void;
  reject(err: unknown): void;
}

interface Groupable {
  /** Mutations in the push. */
  size: number;
  /** Only jobs whose keys are the same values go together (the server's clock and hook). */
  groupKey: readonly unknown[];
}

/** Runs a group in one transaction and settles every job of it, error or not. */
type RunGroup<I, O> = (jobs: QueuedJob<I, O>[]) => Promise<void>;

class GroupQueue<I extends Groupable, O> {
  private waiting: QueuedJob<I, O>[] = [];
  private running = false;

  submit(input: I, run: RunGroup<I, O>): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (!this.running) void this.drain(run);
    });
  }

  private async drain(run: RunGroup<I, O>): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        const first = this.waiting[0]!.input;
        let n = first.size;
        let take = 1;
        for (; take < this.waiting.length; take++) {
          const next = this.waiting[take]!.input;
          if (!sameKey(next.groupKey, first.groupKey) || n + next.size > MAX_GROUP_MUTATIONS) break;
          n += next.size;
        }
        const jobs = this.waiting.splice(0, take);
        try {
          await run(jobs);
        } catch (err) {
          // run settles its jobs; this is only a guard against one left pending.
          for (const j of jobs) j.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

const sameKey = (a: readonly unknown[], b: readonly unknown[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

const queues = new WeakMap<Storage, GroupQueue<Groupable, unknown>>();

/** Queues a push on its storage (one queue per database a process writes). */
export function submitGrouped<I extends Groupable, O>(
  storage: Storage,
  input: I,
  run: RunGroup<I, O>,
): Promise<O> {
  let q = queues.get(storage);
  if (!q) queues.set(storage, (q = new GroupQueue()));
  return (q as unknown as GroupQueue<I, O>).submit(input, run);
}

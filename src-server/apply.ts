/**
 * The authoritative writer. Every write of versioned rows happens inside `withWriter`:
 * one transaction that first takes an advisory lock, then reads the highest version and
 * numbers its rows after it. Serialising writers is what makes versions commit in order:
 * with a plain sequence a transaction holding version 7 could commit after one holding 8,
 * and a client that already pulled up to 8 would skip 7 for ever.
 */
import type { Actor, Change, MutationEnv, MutationName, ReadSet } from '../src-shared/domain';
import { createUuidV7, DomainError, formatFinalCode, MUTATIONS } from '../src-shared/domain';
import { zodMessage } from '../src-main/core/zod-errors';
import { BatchRows } from './row-source';
import { loadSnapshot } from './snapshot';
import { maxVersion, versionChanges } from './rows';
import { POKE_CHANNEL, WRITE_LOCK, type Queryable, type Storage } from './storage/storage';

export interface MutationRun {
  status: 'applied' | 'rejected';
  error: { code: string; message: string } | null;
  value: unknown;
  changes: Change[];
}

export interface WriterDeps {
  clock: () => number;
  newId?: () => string;
}

export class Writer {
  private codes = new Map<number, number>();
  private dirtyYears = new Set<number>();
  readonly startVersion: number;
  private readonly newId: () => string;
  /** Rows read and written by this transaction; they reach the database at flush(). */
  private readonly rows: BatchRows;

  private constructor(
    readonly tx: Queryable,
    public version: number,
    codes: Map<number, number>,
    private readonly deps: WriterDeps,
  ) {
    this.startVersion = version;
    this.codes = codes;
    this.newId = deps.newId ?? createUuidV7(deps.clock);
    this.rows = new BatchRows(tx);
  }

  static async open(tx: Queryable, deps: WriterDeps): Promise<Writer> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
    const version = await maxVersion(tx);
    const counters = await tx.query<{ year: number; last_seq: number }>(
      'SELECT year, last_seq FROM code_counters',
    );
    return new Writer(tx, version, new Map(counters.map((c) => [c.year, c.last_seq])), deps);
  }

  /**
   * Reads at once, in a few queries, what a batch of mutations declared it reads: each
   * mutation then finds its snapshot in memory. Only an optimisation: whatever a mutation
   * reads beyond it (rows an earlier one of the batch pointed to) is loaded on demand.
   */
  async prefetch(mutations: { name: string; args: unknown }[]): Promise<void> {
    const union: Record<string, unknown> = {};
    for (const m of mutations) {
      const def = Object.hasOwn(MUTATIONS, m.name) ? MUTATIONS[m.name as MutationName] : undefined;
      const parsed = def?.args.safeParse(m.args);
      if (!def || !parsed?.success) continue;
      for (const [k, v] of Object.entries(def.reads(parsed.data as never))) {
        if (Array.isArray(v)) union[k] = [...((union[k] as unknown[] | undefined) ?? []), ...v];
        else if (v) union[k] = v;
      }
    }
    await loadSnapshot(this.rows, union as ReadSet);
  }

  /**
   * Runs one named mutation. A refusal (DomainError, invalid args, unknown name) writes
   * nothing: `apply` is pure and its rows join the overlay only after it returned, so no
   * savepoint is needed to undo half a mutation, and the rest of the batch goes on.
   */
  async mutate(name: string, rawArgs: unknown, actor: Actor): Promise<MutationRun> {
    const def = Object.hasOwn(MUTATIONS, name) ? MUTATIONS[name as MutationName] : undefined;
    if (!def) return rejected('validation', `Operazione sconosciuta: ${name}.`);
    const parsed = def.args.safeParse(rawArgs);
    if (!parsed.success) return rejected('validation', zodMessage(parsed.error));
    const args = parsed.data as never;
    const snapshot = await loadSnapshot(this.rows, def.reads(args));
    const codes = new Map(this.codes);
    const used = new Set<number>();
    const env: MutationEnv = {
      now: this.deps.clock(),
      newId: this.newId,
      allocateCode: (year) => {
        const next = (codes.get(year) ?? 0) + 1;
        codes.set(year, next);
        used.add(year);
        return formatFinalCode(year, next);
      },
    };
    let result;
    try {
      result = def.apply(snapshot, args, actor, env);
    } catch (err) {
      if (err instanceof DomainError) return rejected(err.code, err.message);
      throw err;
    }
    const { rows, last } = versionChanges(result.changes, this.version);
    this.rows.write(rows);
    this.version = last;
    this.codes = codes;
    for (const y of used) this.dirtyYears.add(y);
    return { status: 'applied', error: null, value: result.value, changes: result.changes };
  }

  /**
   * Writes the rows and code counters of the mutations run so far. withWriter does it
   * before commit; call it before reading sync_rows through `tx` directly.
   */
  async flush(): Promise<void> {
    await this.rows.flush();
    await this.flushCodes();
  }

  private async flushCodes(): Promise<void> {
    if (this.dirtyYears.size === 0) return;
    const years = [...this.dirtyYears];
    await this.tx.query(
      `INSERT INTO code_counters (year, last_seq)
       SELECT * FROM unnest($1::int[], $2::int[])
       ON CONFLICT (year) DO UPDATE SET last_seq = excluded.last_seq`,
      [years, years.map((y) => this.codes.get(y)!)],
    );
    this.dirtyYears.clear();
  }

  get changed(): boolean {
    return this.version > this.startVersion;
  }
}

function rejected(code: string, message: string): MutationRun {
  return { status: 'rejected', error: { code, message }, value: undefined, changes: [] };
}

export interface WriteResult<T> {
  value: T;
  /** The highest version after commit, when rows were written (poke it). */
  newVersion: number | null;
}

/** One writer transaction; NOTIFY (PostgreSQL) is delivered by the commit itself. */
export async function withWriter<T>(
  storage: Storage,
  deps: WriterDeps,
  fn: (w: Writer) => Promise<T>,
): Promise<WriteResult<T>> {
  return storage.transaction(async (tx) => {
    const w = await Writer.open(tx, deps);
    const value = await fn(w);
    await w.flush();
    if (w.changed && storage.kind === 'postgres') {
      await tx.query('SELECT pg_notify($1, $2)', [POKE_CHANNEL, String(w.version)]);
    }
    return { value, newVersion: w.changed ? w.version : null };
  });
}

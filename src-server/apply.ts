/**
 * The authoritative writer. Every write of versioned rows happens inside `withWriter`:
 * one transaction that first takes an advisory lock, then reads the highest version and
 * numbers its rows after it. Serialising writers is what makes versions commit in order:
 * with a plain sequence a transaction holding version 7 could commit after one holding 8,
 * and a client that already pulled up to 8 would skip 7 for ever.
 */
import type { Actor, Change, MutationEnv, MutationName } from '../src-shared/domain';
import { createUuidV7, DomainError, formatFinalCode, MUTATIONS } from '../src-shared/domain';
import { zodMessage } from '../src-main/core/zod-errors';
import { loadSnapshot } from './snapshot';
import { maxVersion, writeChanges } from './rows';
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

  private constructor(
    readonly tx: Queryable,
    public version: number,
    codes: Map<number, number>,
    private readonly deps: WriterDeps,
  ) {
    this.startVersion = version;
    this.codes = codes;
    this.newId = deps.newId ?? createUuidV7(deps.clock);
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
   * Runs one named mutation. A refusal (DomainError, invalid args, unknown name) writes
   * nothing: `apply` is pure and the rows are written only after it returned, so no
   * savepoint is needed to undo half a mutation.
   */
  async mutate(name: string, rawArgs: unknown, actor: Actor): Promise<MutationRun> {
    const def = Object.hasOwn(MUTATIONS, name) ? MUTATIONS[name as MutationName] : undefined;
    if (!def) return rejected('validation', `Operazione sconosciuta: ${name}.`);
    const parsed = def.args.safeParse(rawArgs);
    if (!parsed.success) return rejected('validation', zodMessage(parsed.error));
    const args = parsed.data as never;
    const snapshot = await loadSnapshot(this.tx, def.reads(args));
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
    this.version = await writeChanges(this.tx, result.changes, this.version);
    this.codes = codes;
    for (const y of used) this.dirtyYears.add(y);
    await this.flushCodes();
    return { status: 'applied', error: null, value: result.value, changes: result.changes };
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
    if (w.changed && storage.kind === 'postgres') {
      await tx.query('SELECT pg_notify($1, $2)', [POKE_CHANNEL, String(w.version)]);
    }
    return { value, newVersion: w.changed ? w.version : null };
  });
}

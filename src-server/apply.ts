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
import { BatchRows, combineWrites, type RowSource, type SqlPart } from './row-source';
import { loadSnapshot } from './snapshot';
import { versionChanges } from './rows';
import { POKE_CHANNEL, WRITE_LOCK, type Queryable, type Storage } from './storage/storage';

export interface MutationRun {
  status: 'applied' | 'rejected';
  error: { code: string; message: string } | null;
  value: unknown;
  changes: Change[];
}

/**
 * Runs in the push transaction after a mutation was applied (the server's mail-out
 * writes the emails it implies, see mail-out/hook.ts); its writes go through alsoWrite.
 */
export type AppliedHook = (
  w: Writer,
  e: { name: string; value: unknown; changes: Change[] },
) => Promise<void>;

export interface WriterDeps {
  clock: () => number;
  newId?: () => string;
  /**
   * The replica whose push this transaction applies: the NOTIFY names it, so no process
   * pokes it (its own push answer tells it to pull, and the NOTIFY may arrive first).
   */
  pusher?: string;
}

/** The NOTIFY payload: the version, then the pusher's client id when there is one. */
export function pokePayload(version: number, pusher: string | undefined): string {
  return pusher ? `${version} ${pusher}` : String(version);
}

export function parsePokePayload(payload: string): { version: number; pusher: string | null } {
  const [v, pusher] = payload.split(' ');
  return { version: Number(v), pusher: pusher || null };
}

export class Writer {
  private codes = new Map<number, number>();
  private dirtyYears = new Set<number>();
  readonly startVersion: number;
  private readonly newId: () => string;
  /** Rows read and written by this transaction; they reach the database at flush(). */
  private readonly rows: BatchRows;
  /** Other writes of the caller, sent with the rows (alsoWrite). */
  private extra: SqlPart[] = [];

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

  /** In a transaction that holds WRITE_LOCK (withWriter): the lock comes before these reads. */
  static async open(tx: Queryable, deps: WriterDeps): Promise<Writer> {
    const [r] = await tx.query<{ v: number | null; counters: [number, number][] | null }>(
      `SELECT (SELECT max(version) FROM sync_rows) AS v,
              (SELECT json_agg(json_build_array(year, last_seq)) FROM code_counters) AS counters`,
    );
    return new Writer(tx, r?.v ?? 0, new Map(r?.counters ?? []), deps);
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
    const reads = union as ReadSet;
    // The usual bulk in one statement: the reports with their children, and the
    // categories (a small table every report names) and, when asked, the rules.
    const reports = [...new Set(reads.reports ?? [])];
    await this.rows.preload({
      keys: reports.map((id) => ['reports', id]),
      owned: { tables: ['report_assignments', 'report_reporters'], owners: reports },
      tables: reads.automations ? ['categories', 'automation_rules'] : ['categories'],
    });
    await loadSnapshot(this.rows, reads);
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
   * A write of the caller's (on tables other than sync_rows and code_counters), sent in
   * the same statement as the rows at the next flush: one round trip for all.
   */
  alsoWrite(part: SqlPart): void {
    this.extra.push(part);
  }

  /**
   * Writes the rows and code counters of the mutations run so far, and the alsoWrite
   * parts, in one statement. withWriter does it before commit; call it before reading
   * sync_rows through `tx` directly. `final` ends the statement (a NOTIFY).
   */
  async flush(final?: SqlPart): Promise<void> {
    const parts = [this.rows.takeWrite(), this.takeCodes(), ...this.extra].filter(
      (p): p is SqlPart => p !== null,
    );
    this.extra = [];
    if (parts.length === 0 && !final) return;
    const stmt = combineWrites(parts, final?.sql, final?.params);
    await this.tx.query(stmt.sql, stmt.params);
  }

  private takeCodes(): SqlPart | null {
    if (this.dirtyYears.size === 0) return null;
    const years = [...this.dirtyYears];
    this.dirtyYears.clear();
    return {
      sql: `INSERT INTO code_counters (year, last_seq)
       SELECT * FROM unnest($1::int[], $2::int[])
       ON CONFLICT (year) DO UPDATE SET last_seq = excluded.last_seq`,
      params: [years, years.map((y) => this.codes.get(y)!)],
    };
  }

  /** What this transaction reads and wrote so far (for an AppliedHook's reads). */
  get source(): RowSource {
    return this.rows;
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

/**
 * One writer transaction, WRITE_LOCK taken with its BEGIN. The writes go in one statement
 * at the end, with the NOTIFY (PostgreSQL), which the commit itself delivers.
 */
export async function withWriter<T>(
  storage: Storage,
  deps: WriterDeps,
  fn: (w: Writer) => Promise<T>,
): Promise<WriteResult<T>> {
  return storage.transaction(
    async (tx) => {
      const w = await Writer.open(tx, deps);
      const value = await fn(w);
      await w.flush(
        w.changed && storage.kind === 'postgres'
          ? { sql: 'SELECT pg_notify($1, $2)', params: [POKE_CHANNEL, pokePayload(w.version, deps.pusher)] }
          : undefined,
      );
      return { value, newVersion: w.changed ? w.version : null };
    },
    { lock: WRITE_LOCK },
  );
}

/**
 * The authoritative writer. Every write of versioned rows happens inside `withWriter`:
 * one transaction that first takes an advisory lock, then reads the highest version and
 * numbers its rows after it. Serialising writers is what makes versions commit in order:
 * with a plain sequence a transaction holding version 7 could commit after one holding 8,
 * and a client that already pulled up to 8 would skip 7 for ever.
 */
import type {
  Actor,
  Change,
  MutationDef,
  MutationEnv,
  MutationName,
  ReadSet,
  User,
} from '../src-shared/domain';
import { createUuidV7, DomainError, formatFinalCode, MUTATIONS } from '../src-shared/domain';
import { zodMessage } from '../src-main/core/zod-errors';
import { BatchRows, combineWrites, type PreloadWant, type RowSource, type SqlPart } from './row-source';
import { MAX_DELTA, rowCacheOf, type RowCache } from './row-cache';
import { actorGroupsSql, loadSnapshot, toActor } from './snapshot';
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

/** What Writer.open reads besides the version and counters (see open). */
export interface OpenWant {
  /** The clients rows of the pushing replicas. */
  clientIds?: string[];
  /** The acting users, as loadActor reads them. */
  actorIds?: string[];
  /** Rows the batch will read (batchPreload). */
  preload?: PreloadWant;
}

export interface WriterDeps {
  clock: () => number;
  newId?: () => string;
  /**
   * The replicas whose pushes this transaction applies: the NOTIFY names the first, so no
   * process pokes it (its own push answer tells it to pull, and the NOTIFY may arrive
   * first). The others of a group (push-queue.ts) may get a poke: one pull more.
   */
  pusher?: string | string[];
}

/** The NOTIFY payload: the version, then the pusher's client id when there is one. */
export function pokePayload(version: number, pusher: string | string[] | undefined): string {
  const first = Array.isArray(pusher) ? pusher[0] : pusher;
  return first ? `${version} ${first}` : String(version);
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
  /** Other writes of the caller, sent with the rows (alsoWrite). */
  private extra: SqlPart[] = [];
  private current: number;
  /** The version was moved by the caller (rows written without this Writer). */
  private external = false;

  private constructor(
    readonly tx: Queryable,
    version: number,
    codes: Map<number, number>,
    private readonly deps: WriterDeps,
    /** Rows read and written by this transaction; they reach the database at flush(). */
    private rows: BatchRows,
  ) {
    this.startVersion = version;
    this.current = version;
    this.codes = codes;
    this.newId = deps.newId ?? createUuidV7(deps.clock);
  }

  /** The highest version so far. A caller that writes rows itself moves it (the import). */
  get version(): number {
    return this.current;
  }

  set version(v: number) {
    this.current = v;
    this.external = true;
  }

  /**
   * In a transaction that holds WRITE_LOCK (withWriter): the lock comes before these reads.
   * One statement reads the highest version and the code counters and, when asked, what a
   * push needs before its first mutation (its client's row, the actor, the batch's rows):
   * every round trip here is time the lock is held while the other writers wait. With a
   * RowCache, only the rows it lacks are read, with those changed since it was right.
   */
  static async open(tx: Queryable, deps: WriterDeps, want: OpenWant = {}, cache?: RowCache): Promise<Writer> {
    const kept = cache?.start(tx);
    let rows = kept?.rows ?? new BatchRows(tx);
    const left = want.preload ? rows.missing(want.preload) : null;
    const pre = left ? BatchRows.preloadSql(left, 4) : null;
    type Found = [string, string, string | null, Record<string, unknown> | null][];
    const [r] = await tx.query<{
      v: number | null;
      counters: [number, number][] | null;
      clients: Record<string, [number, string]> | null;
      actors: Record<string, [User, string[] | null]> | null;
      rows: Found | null;
      delta: Found | null;
    }>(
      `SELECT (SELECT max(version) FROM sync_rows) AS v,
              (SELECT json_agg(json_build_array(year, last_seq)) FROM code_counters) AS counters,
              (SELECT json_object_agg(client_id, json_build_array(last_seq, user_id))
                 FROM clients WHERE client_id = ANY($1::text[])) AS clients,
              (SELECT json_object_agg(u.key, json_build_array(u.data, ${actorGroupsSql('u.key')}))
                 FROM sync_rows u WHERE u.tbl = 'users' AND u.key = ANY($2::text[]) AND NOT u.deleted) AS actors,
              ${pre ? `(SELECT json_agg(json_build_array(p.tbl, p.key, p.owner, p.data)) FROM (${pre.sql}) p)` : 'NULL::json'} AS rows,
              (SELECT json_agg(json_build_array(d.tbl, d.key, d.owner, CASE WHEN d.deleted THEN NULL ELSE d.data END)
                               ORDER BY d.version)
                 FROM (SELECT tbl, key, owner, data, deleted, version FROM sync_rows
                        WHERE $3::bigint IS NOT NULL AND version > $3::bigint
                        ORDER BY version LIMIT ${MAX_DELTA + 1}) d) AS delta`,
      [want.clientIds ?? [], want.actorIds ?? [], kept?.rows ? kept.since : null, ...(pre?.params ?? [])],
      { prepare: true },
    );
    const delta = r?.delta ?? [];
    if (delta.length > MAX_DELTA) {
      // Too much changed elsewhere: start again from the database.
      rows = new BatchRows(tx);
      if (want.preload) await rows.preload(want.preload);
    } else {
      rows.refresh(delta);
      if (left)
        rows.absorbPreload(
          left,
          (r?.rows ?? []) as [string, string, string | null, Record<string, unknown>][],
        );
    }
    const w = new Writer(tx, r?.v ?? 0, new Map(r?.counters ?? []), deps, rows);
    for (const [id, [lastSeq, userId]] of Object.entries(r?.clients ?? {})) {
      w.opened.clients.set(id, { lastSeq, userId });
    }
    for (const [id, [user, groups]] of Object.entries(r?.actors ?? {})) {
      w.opened.actors.set(id, toActor(user, groups));
    }
    return w;
  }

  /** After the commit: the rows for the next transaction, or null when it must not trust them. */
  get keptRows(): BatchRows | null {
    return this.external ? null : this.rows;
  }

  /** What open() read for the caller (OpenWant): the clients rows and actors found. */
  readonly opened = {
    clients: new Map<string, { lastSeq: number; userId: string }>(),
    actors: new Map<string, Actor & { user: User }>(),
  };

  /**
   * Loads, in as few queries as it takes, whatever the batch's mutations declared they
   * read and open() did not bring (mentioned usernames, reporters by email…): each
   * mutation then finds its snapshot in memory. Only an optimisation: whatever a mutation
   * reads beyond it (rows an earlier one of the batch pointed to) is loaded on demand.
   */
  async prefetch(reads: ReadSet): Promise<void> {
    await this.rows.preload(batchPreload(reads));
    // Reports alone (the usual note, status, assignment…): the preload holds all a
    // snapshot reads (the reports, their children, every category); building the union's
    // snapshot would only cost time.
    const more = Object.entries(reads).some(
      ([k, v]) => k !== 'reports' && (Array.isArray(v) ? v.length > 0 : Boolean(v)),
    );
    if (more) await loadSnapshot(this.rows, reads);
  }

  /**
   * Runs one named mutation. A refusal (DomainError, invalid args, unknown name) writes
   * nothing: `apply` is pure and its rows join the overlay only after it returned, so no
   * savepoint is needed to undo half a mutation, and the rest of the batch goes on.
   */
  async mutate(name: string, rawArgs: unknown, actor: Actor): Promise<MutationRun> {
    return this.run(parseMutation(name, rawArgs), actor);
  }

  /** mutate() with the arguments already checked (parseMutation, before the lock). */
  async run(m: ParsedMutation, actor: Actor): Promise<MutationRun> {
    if (!m.ok) return rejected(m.error.code, m.error.message);
    const { def, args } = m;
    const snapshot = await loadSnapshot(this.rows, m.reads);
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
    const { rows, last } = versionChanges(result.changes, this.current);
    this.rows.write(rows);
    this.current = last;
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
    // A handful of texts (which writes a transaction makes): kept parsed and planned.
    await this.tx.query(stmt.sql, stmt.params, { prepare: true });
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

/** A pushed mutation with its arguments checked and its reads declared, or why not. */
export type ParsedMutation =
  | { ok: true; def: MutationDef; args: never; reads: ReadSet }
  | { ok: false; error: { code: string; message: string } };

/**
 * Checks a mutation's name and arguments and asks what it reads. Pure: a push does it for
 * the whole batch before taking the writers' lock.
 */
export function parseMutation(name: string, rawArgs: unknown): ParsedMutation {
  const def = Object.hasOwn(MUTATIONS, name) ? (MUTATIONS[name as MutationName] as MutationDef) : undefined;
  if (!def) return { ok: false, error: { code: 'validation', message: `Operazione sconosciuta: ${name}.` } };
  const parsed = def.args.safeParse(rawArgs);
  if (!parsed.success) return { ok: false, error: { code: 'validation', message: zodMessage(parsed.error) } };
  const args = parsed.data as never;
  return { ok: true, def, args, reads: def.reads(args) };
}

/** The reads of several mutations as one ReadSet (the lists joined, the flags or'ed). */
export function unionReads(all: ReadSet[]): ReadSet {
  const union: Record<string, unknown> = {};
  for (const reads of all) {
    for (const [k, v] of Object.entries(reads)) {
      if (Array.isArray(v)) {
        const list = (union[k] as unknown[] | undefined) ?? (union[k] = []);
        (list as unknown[]).push(...v);
      } else if (v) union[k] = v;
    }
  }
  return union as ReadSet;
}

/**
 * The usual bulk of a batch's reads, for one statement: the reports with their children,
 * the categories (a small table every report names) and, when asked, the rules.
 */
export function batchPreload(reads: ReadSet): PreloadWant {
  const reports = [...new Set(reads.reports ?? [])];
  return {
    keys: reports.map((id) => ['reports', id]),
    owned: { tables: ['report_assignments', 'report_reporters'], owners: reports },
    tables: reads.automations ? ['categories', 'automation_rules'] : ['categories'],
  };
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
  open?: OpenWant,
): Promise<WriteResult<T>> {
  const cache = rowCacheOf(storage).take();
  let writer: Writer | null = null;
  try {
    const out = await storage.transaction(
      async (tx) => {
        const w = (writer = await Writer.open(tx, deps, open, cache ?? undefined));
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
    const kept = (writer as Writer | null)?.keptRows;
    if (cache && kept) cache.keep(kept, writer!.version);
    else cache?.drop();
    return out;
  } catch (err) {
    cache?.drop();
    throw err;
  }
}

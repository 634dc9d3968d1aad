/**
 * The local store: the one writer of business data. A mutation runs in a single SQLite
 * transaction that (a) loads what the mutation reads, (b) persists the changed rows and
 * the log entries the mutation returned, (c) rebuilds the search document of every
 * touched report, (d) appends the outbox row the sync client will push unchanged.
 */
import type { Actor, Change, MutationName } from '../../src-shared/domain';
import { DomainError, formatFinalCode, MUTATIONS } from '../../src-shared/domain';
import type { Sqlite } from '../db/migrate';
import { insertOutbox, nextCodeSeq } from '../db/repos/auth-repo';
import { loadSnapshot, reportSeq } from '../db/repos/entities';
import { reindexReport, reportSeqsOfReporter } from '../db/repos/search-index';
import { imageBefore, type UndoImage } from '../db/repos/row-images';
import { applyChange } from '../db/repos/write';
import { zodMessage } from './zod-errors';

export interface StoreDeps {
  db: Sqlite;
  clock: () => number;
  newId: () => string;
  /**
   * Synced replicas record, with every outbox row, the rows it overwrote, so that
   * pulled server state can be applied underneath and the mutation replayed on top.
   */
  captureUndo?: () => boolean;
}

/**
 * Runs inside a mutation's transaction, after its rows were written and only for
 * mutations made on this PC (not for replays during a rebase). Capabilities that
 * derive rows of their own from a mutation (e.g. the emails it causes) hook in here,
 * so those rows commit or roll back together with it.
 */
export type AppliedHook = (e: {
  name: string;
  args: unknown;
  actor: Actor;
  value: unknown;
  changes: Change[];
  now: number;
}) => void;

export interface MutationOutcome {
  value: unknown;
  changes: Change[];
  touchedReports: string[];
}

export interface MutateOptions {
  /** Who hands out report codes: this replica (standalone) or, offline, a provisional code. */
  allocateCode?: (year: number) => string;
}

export interface Execution extends MutationOutcome {
  undo: UndoImage[];
  reportSeqs: Set<number>;
}

export type ChangeListener = (o: { tables: string[]; reportIds: string[] }) => void;

export function createStore({ db, clock, newId, captureUndo = () => false }: StoreDeps) {
  const listeners = new Set<ChangeListener>();
  const appliedHooks: AppliedHook[] = [];

  /**
   * Runs one mutation inside the caller's transaction: parse, load, apply, persist,
   * re-index. No outbox row: `mutate` adds it; a rebase replays existing ones.
   */
  function execute(name: string, rawArgs: unknown, actor: Actor, opts: MutateOptions = {}): Execution {
    const def = (MUTATIONS as Record<string, (typeof MUTATIONS)[MutationName]>)[name];
    if (!def) throw new DomainError('validation', `Operazione sconosciuta: ${name}`);
    const parsed = def.args.safeParse(rawArgs);
    if (!parsed.success) throw new DomainError('validation', zodMessage(parsed.error));
    const args = parsed.data as never;
    const snapshot = loadSnapshot(db, def.reads(args));
    const result = def.apply(snapshot, args, actor, {
      now: clock(),
      newId,
      allocateCode: opts.allocateCode ?? ((year) => formatFinalCode(year, nextCodeSeq(db, year))),
    });
    // Parents before children: a report row must exist before its links reference it.
    const ordered = [...result.changes].sort((a, b) => rank(a) - rank(b));
    const undo: UndoImage[] = [];
    const capture = captureUndo();
    for (const c of ordered) {
      if (capture) undo.push(imageBefore(db, c));
      applyChange(db, c);
    }
    const seqs = new Set<number>();
    for (const id of result.touchedReports) {
      const s = reportSeq(db, id);
      if (s !== undefined) seqs.add(s);
    }
    for (const c of result.changes) {
      if (c.table === 'reporters') for (const s of reportSeqsOfReporter(db, c.row.id)) seqs.add(s);
    }
    for (const s of seqs) reindexReport(db, s);
    return {
      value: result.value,
      changes: result.changes,
      touchedReports: result.touchedReports,
      undo,
      reportSeqs: seqs,
    };
  }

  const run = db.transaction(
    (name: MutationName, rawArgs: unknown, actor: Actor, opts: MutateOptions): MutationOutcome => {
      const out = execute(name, rawArgs, actor, opts);
      if (out.changes.length > 0) {
        const now = clock();
        for (const h of appliedHooks)
          h({ name, args: rawArgs, actor, value: out.value, changes: out.changes, now });
        insertOutbox(db, {
          mutationId: newId(),
          name,
          args: JSON.stringify(rawArgs),
          actorId: actor.id,
          at: clock(),
          undo: captureUndo() ? JSON.stringify(out.undo) : null,
        });
      }
      return { value: out.value, changes: out.changes, touchedReports: out.touchedReports };
    },
  );

  function emit(tables: string[], reportIds: string[]) {
    for (const l of listeners) l({ tables, reportIds });
  }

  return {
    mutate(name: MutationName, args: unknown, actor: Actor, opts: MutateOptions = {}): MutationOutcome {
      const out = run(name, args, actor, opts);
      if (out.changes.length > 0) emit([...new Set(out.changes.map((c) => c.table))], out.touchedReports);
      return out;
    },
    execute,
    /** See AppliedHook. */
    onApplied(h: AppliedHook): void {
      appliedHooks.push(h);
    },
    /** Tells listeners that data changed by other means (a pull from the server). */
    emit,
    onChange(l: ChangeListener): () => void {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

export type Store = ReturnType<typeof createStore>;

const PARENTS = new Set(['reports', 'reporters', 'categories', 'outcomes', 'users', 'groups']);
/** Parents first (links reference them), log entries after the rows they describe. */
function rank(c: Change): number {
  if (PARENTS.has(c.table)) return c.op === 'put' ? 0 : 3;
  return c.table === 'log_entries' ? 2 : 1;
}

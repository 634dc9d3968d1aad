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
import { applyChange } from '../db/repos/write';
import { zodMessage } from './zod-errors';

export interface StoreDeps {
  db: Sqlite;
  clock: () => number;
  newId: () => string;
}

export interface MutationOutcome {
  value: unknown;
  changes: Change[];
  touchedReports: string[];
}

export interface MutateOptions {
  /** Who hands out report codes: this replica (standalone) or, offline, a provisional code. */
  allocateCode?: (year: number) => string;
}

export type ChangeListener = (o: { tables: string[]; reportIds: string[] }) => void;

export function createStore({ db, clock, newId }: StoreDeps) {
  const listeners = new Set<ChangeListener>();

  const run = db.transaction(
    (name: MutationName, rawArgs: unknown, actor: Actor, opts: MutateOptions): MutationOutcome => {
      const def = MUTATIONS[name];
      if (!def) throw new DomainError('validation', `Operazione sconosciuta: ${name}`);
      const parsed = def.args.safeParse(rawArgs);
      if (!parsed.success) throw new DomainError('validation', zodMessage(parsed.error));
      const args = parsed.data as never;
      const now = clock();
      const snapshot = loadSnapshot(db, def.reads(args));
      const result = def.apply(snapshot, args, actor, {
        now,
        newId,
        allocateCode: opts.allocateCode ?? ((year) => formatFinalCode(year, nextCodeSeq(db, year))),
      });
      // Parents before children: a report row must exist before its links reference it.
      const ordered = [...result.changes].sort((a, b) => rank(a) - rank(b));
      for (const c of ordered) applyChange(db, c);
      const seqs = new Set<number>();
      for (const id of result.touchedReports) {
        const s = reportSeq(db, id);
        if (s !== undefined) seqs.add(s);
      }
      for (const c of result.changes) {
        if (c.table === 'reporters') for (const s of reportSeqsOfReporter(db, c.row.id)) seqs.add(s);
      }
      for (const s of seqs) reindexReport(db, s);
      if (result.changes.length > 0) {
        insertOutbox(db, {
          mutationId: newId(),
          name,
          args: JSON.stringify(rawArgs),
          actorId: actor.id,
          at: now,
        });
      }
      return { value: result.value, changes: result.changes, touchedReports: result.touchedReports };
    },
  );

  return {
    mutate(name: MutationName, args: unknown, actor: Actor, opts: MutateOptions = {}): MutationOutcome {
      const out = run(name, args, actor, opts);
      if (out.changes.length > 0) {
        const tables = [...new Set(out.changes.map((c) => c.table))];
        for (const l of listeners) l({ tables, reportIds: out.touchedReports });
      }
      return out;
    },
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

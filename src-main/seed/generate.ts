/**
 * Replica generator: a realistic sportello.db with N reports, for benchmarks and for
 * trying the app at scale. Settings and accounts come from the demo municipality and
 * go through the mutations (they are few); reports are bulk-written with prepared
 * INSERTs in the very row format the store writes (see db/repos/write.ts), and the
 * search index is filled in one pass at the end. 1,000,000 reports take minutes.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createUuidV7, formatFinalCode, uuidv7At } from '../../src-shared/domain';
import { migrateDatabase, openDatabase, type Sqlite } from '../db/migrate';
import { setMeta } from '../db/repos/settings-read';
import { createAuthService } from '../core/auth-service';
import { DB_FILE } from '../core/create-core';
import { DEMO_MUNICIPALITY } from '../core/demo/demo-data';
import { setDemoPasswords, writeDemoSettings } from '../core/demo/demo-settings';
import { makePerson } from '../core/demo/people';
import { createRng } from '../core/demo/prng';
import { createStore } from '../core/store';
import { planContext, planReport } from './replica-plan';

/** Bump when the replica's content or format changes: cached benchmark replicas are rebuilt. */
export const SEED_GENERATOR_VERSION = 2;
export const DEFAULT_SEED = 42;
const YEARS = 5;
const DAY = 86_400_000;
const BATCH = 10_000;
const FTS_BATCH = 100_000;

export type SeedPhase = 'settings' | 'reports' | 'reporters' | 'search' | 'finish';
export interface SeedProgress {
  phase: SeedPhase;
  done: number;
  total: number;
}

export interface SeedOptions {
  dataDir: string;
  reports: number;
  seed?: number;
  /** The replica ends at this moment (defaults to now). */
  now?: number;
  onProgress?: (p: SeedProgress) => void;
}

export interface SeedResult {
  file: string;
  reports: number;
  reporters: number;
  logEntries: number;
  bytes: number;
  ms: number;
}

/** Midnight of 1 January in Rome, as epoch ms: Italy is on CET (UTC+1) in January. */
const yearStartInRome = (year: number) => Date.UTC(year, 0, 1) - 3_600_000;

export async function seedReplica(opts: SeedOptions): Promise<SeedResult> {
  const t0 = performance.now();
  const n = opts.reports;
  if (!Number.isInteger(n) || n < 1)
    throw new Error('Il numero di segnalazioni deve essere un intero positivo.');
  const seed = opts.seed ?? DEFAULT_SEED;
  const now = opts.now ?? Date.now();
  const start = now - YEARS * 365 * DAY;
  const progress = opts.onProgress ?? (() => {});
  mkdirSync(opts.dataDir, { recursive: true });
  const file = join(opts.dataDir, DB_FILE);
  const db = openDatabase(file);
  try {
    migrateDatabase(db);
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    if (count('SELECT count(*) AS n FROM users') > 0 || count('SELECT count(*) AS n FROM reports') > 0) {
      throw new Error(`Il database ${file} non è vuoto: scegli una cartella nuova per la replica.`);
    }

    // Settings and accounts: through the mutations, dated at the replica's beginning.
    progress({ phase: 'settings', done: 0, total: 1 });
    const settingsAt = start - DAY;
    const store = createStore({ db, clock: () => settingsAt, newId: createUuidV7(() => settingsAt) });
    const dir = db.transaction(() =>
      writeDemoSettings(
        store,
        createUuidV7(() => settingsAt),
      ),
    )();
    setMeta(db, 'municipality', DEMO_MUNICIPALITY);
    await setDemoPasswords(
      createAuthService(db, () => settingsAt),
      dir,
    );
    progress({ phase: 'settings', done: 1, total: 1 });

    // Bulk load: nobody else has this file open and a crash means "run it again".
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -524288');
    const stats = bulkLoad(db, { n, seed, now, start, dir, progress });
    fillSearchIndex(db, n, progress);

    progress({ phase: 'finish', done: 0, total: 1 });
    // Seeded history is not user work: nothing for the sync client to push.
    db.exec('DELETE FROM outbox');
    db.exec("INSERT INTO reports_fts(reports_fts) VALUES ('optimize')");
    db.exec('ANALYZE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('wal_checkpoint(TRUNCATE)');
    progress({ phase: 'finish', done: 1, total: 1 });
    db.close();
    return { file, reports: n, ...stats, bytes: statSync(file).size, ms: performance.now() - t0 };
  } catch (err) {
    if (db.open) db.close();
    throw err;
  }
}

interface LoadArgs {
  n: number;
  seed: number;
  now: number;
  start: number;
  dir: ReturnType<typeof writeDemoSettings>;
  progress: (p: SeedProgress) => void;
}

function bulkLoad(db: Sqlite, a: LoadArgs): { reporters: number; logEntries: number } {
  const { n, now, start } = a;
  const rng = createRng(a.seed);
  const ctx = planContext(a.dir);
  const insReport = db.prepare(
    `INSERT INTO reports (seq, id, code, title, description, category_id, address, lat, lon, channel, status,
       outcome_id, closing_note, priority, due_at, created_by, created_at, updated_by, updated_at, closed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insLog = db.prepare(
    `INSERT INTO log_entries (report_seq, id, at, actor_id, kind, action, data, text, mentions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insAssign = db.prepare(
    `INSERT INTO report_assignments (report_seq, kind, assignee_id, assigned_at, assigned_by) VALUES (?, ?, ?, ?, ?)`,
  );
  const insLink = db.prepare(
    'INSERT INTO report_reporters (report_seq, reporter_id, position) VALUES (?, ?, ?)',
  );
  const insReporter = db.prepare(
    `INSERT INTO reporters (id, nome, cognome, email, telefono, codice_fiscale, indirizzo, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insCounter = db.prepare('INSERT OR REPLACE INTO code_counters (year, last_seq) VALUES (?, ?)');

  // Reporters: a pool of about N/2 people; a report names a new one or one seen before.
  const poolSize = Math.max(10, Math.ceil(n / 2));
  const reporterIds: string[] = new Array<string>(poolSize);
  const reporterSince = new Float64Array(poolSize);
  let nextNew = 0;
  let currentCreatedAt = start;
  const pickReporter = () => {
    if (nextNew < poolSize && (nextNew === 0 || rng.chance(0.6))) {
      const i = nextNew++;
      reporterIds[i] = uuidv7At(currentCreatedAt, rng.bytes(10));
      reporterSince[i] = currentCreatedAt;
      return i;
    }
    return rng.int(nextNew);
  };

  const step = (now - start) / n;
  let year = new Date(start).getUTCFullYear();
  if (start >= yearStartInRome(year + 1)) year++;
  let nextYearStart = yearStartInRome(year + 1);
  let yearSeq = 0;
  let logEntries = 0;
  const counters = new Map<number, number>();

  const batch = db.transaction((from: number, to: number) => {
    for (let seq = from; seq <= to; seq++) {
      // Strictly increasing with seq: the newest report has the highest seq.
      const createdAt = Math.floor(start + (seq - 1 + rng.next() * 0.9) * step);
      while (createdAt >= nextYearStart) {
        year++;
        nextYearStart = yearStartInRome(year + 1);
        yearSeq = 0;
      }
      yearSeq++;
      counters.set(year, yearSeq);
      currentCreatedAt = createdAt;
      const plan = planReport(rng, ctx, {
        seq,
        createdAt,
        code: formatFinalCode(year, yearSeq),
        now,
        pickReporter,
      });
      insReport.run(plan.report);
      for (const l of plan.log) insLog.run(l);
      for (const x of plan.assignments) insAssign.run(x);
      plan.reporterPicks.forEach((p, position) => insLink.run(seq, reporterIds[p], position));
      logEntries += plan.log.length;
    }
  });
  for (let from = 1; from <= n; from += BATCH) {
    batch(from, Math.min(n, from + BATCH - 1));
    a.progress({ phase: 'reports', done: Math.min(n, from + BATCH - 1), total: n });
  }

  const people = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      // Each person is drawn from their own seed: the pool needs no memory of names.
      const p = makePerson(createRng((a.seed * 2_654_435_761 + i) >>> 0));
      const since = i < nextNew ? reporterSince[i]! : start + rng.next() * (now - start);
      const id = reporterIds[i] ?? uuidv7At(since, rng.bytes(10));
      insReporter.run(id, p.nome, p.cognome, p.email, p.telefono, p.codiceFiscale, p.indirizzo, since, since);
    }
  });
  for (let from = 0; from < poolSize; from += BATCH * 5) {
    people(from, Math.min(poolSize, from + BATCH * 5));
    a.progress({ phase: 'reporters', done: Math.min(poolSize, from + BATCH * 5), total: poolSize });
  }
  db.transaction(() => {
    for (const [y, last] of counters) insCounter.run(y, last);
  })();
  return { reporters: poolSize, logEntries };
}

/**
 * The search documents, built in SQL in the shape reindexReport gives them (code, title,
 * description, address, people = "nome cognome email telefono" of each reporter, notes).
 */
function fillSearchIndex(db: Sqlite, n: number, progress: (p: SeedProgress) => void): void {
  const ins = db.prepare(
    `INSERT INTO reports_fts (rowid, code, title, description, address, people, notes)
     SELECT r.seq, r.code, r.title, r.description, r.address,
       coalesce((SELECT group_concat(concat_ws(' ', p.nome, p.cognome, p.email, p.telefono), ' ')
                 FROM report_reporters rr JOIN reporters p ON p.id = rr.reporter_id WHERE rr.report_seq = r.seq), ''),
       coalesce((SELECT group_concat(l.text, char(10)) FROM log_entries l WHERE l.report_seq = r.seq AND l.kind = 'note'), '')
     FROM reports r WHERE r.seq BETWEEN ? AND ? ORDER BY r.seq`,
  );
  for (let from = 1; from <= n; from += FTS_BATCH) {
    const to = Math.min(n, from + FTS_BATCH - 1);
    db.transaction(() => ins.run(from, to))();
    progress({ phase: 'search', done: to, total: n });
  }
}

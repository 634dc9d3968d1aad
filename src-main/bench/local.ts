/**
 * Suite `local`: the hot paths of one PC on a replica of N reports, measured through
 * core.call exactly as the renderer calls them (validation, session, handler, SQL).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUuidV7 } from '../../src-shared/domain';
import { createCore, DB_FILE, type CoreInternals } from '../core/create-core';
import { COMMON_WORDS, DEMO_LEAVES, DEMO_OPERATOR } from '../core/demo/demo-data';
import { makePerson } from '../core/demo/people';
import { createRng } from '../core/demo/prng';
import { makeReportText } from '../core/demo/text';
import { defaultReplicaDir, ensureReplica } from './replica-cache';
import { emit, log, percentile, sample, type Figure } from './stats';

export const LOCAL_DEFAULT_REPORTS = 1_000_000;
const ITERATIONS = 300;
const WARMUP = 30;

export const LOCAL_TARGETS: Record<string, { max: number; unit: Figure['unit'] }> = {
  list_default_p95_ms: { max: 3, unit: 'ms' },
  search_p95_ms: { max: 5, unit: 'ms' },
  open_by_code_p95_ms: { max: 1, unit: 'ms' },
  create_p95_ms: { max: 2, unit: 'ms' },
  db_bytes_per_report: { max: 2048, unit: 'bytes' },
};

export interface LocalOptions {
  reports: number;
  /** Where the cached replica lives; default .data/bench-<N>/. */
  dataDir?: string;
}

export async function runLocal(opts: LocalOptions): Promise<Figure[]> {
  const figures: Figure[] = [];
  const put = (name: string, value: number, unit: Figure['unit'] = 'ms') => {
    const f: Figure = { suite: 'local', name, value, unit };
    figures.push(f);
    emit(f);
  };
  const replica = await ensureReplica(opts.dataDir ?? defaultReplicaDir(opts.reports), opts.reports);
  put('db_bytes_per_report', replica.bytes / opts.reports, 'bytes');

  // Writes below must not touch the cached replica.
  const work = mkdtempSync(join(tmpdir(), 'sportello-bench-'));
  let core: CoreInternals | undefined;
  try {
    log('[bench] Copio la replica in una cartella di lavoro…');
    copyFileSync(replica.file, join(work, DB_FILE));
    core = await createCore({ dataDir: work });
    const login = await core.call('auth.login', DEMO_OPERATOR, null);
    if (!login.ok) throw new Error(`auth.login: ${login.error.message}`);
    const session = (login.value as { token: string }).token;
    const c = core;
    const call = async (name: string, input: unknown): Promise<unknown> => {
      const r = await c.call(name, input, session);
      if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
      return r.value;
    };
    const report = (name: string, samples: number[]) => {
      put(`${name}_p50_ms`, percentile(samples, 50));
      put(`${name}_p95_ms`, percentile(samples, 95));
    };

    log('[bench] reports.list (Nuovo + In gestione, più recenti prima, prime pagine)…');
    const list = await sample(ITERATIONS, WARMUP, async (i) => {
      await call('reports.list', {
        sort: { field: 'createdAt', dir: 'desc' },
        offset: (i % 11) * 50,
        limit: 50,
        withTotal: false,
      });
    });
    report('list_default', list);
    const count = await sample(5, 1, async () => {
      await call('reports.list', { offset: 0, limit: 50, withTotal: true });
    });
    put('list_default_count_ms', percentile(count, 50));

    log(`[bench] ricerca (${COMMON_WORDS.join(', ')}) + stato In gestione…`);
    const search = await sample(ITERATIONS, WARMUP, async (i) => {
      await call('reports.list', {
        filters: { q: COMMON_WORDS[i % COMMON_WORDS.length], statuses: ['in_gestione'] },
        sort: { field: 'createdAt', dir: 'desc' },
        limit: 50,
        withTotal: false,
      });
    });
    report('search', search);

    log('[bench] reports.openByCode + reports.get…');
    const rng = createRng(99);
    const codeAt = c.services.db.prepare('SELECT code FROM reports WHERE seq = ?');
    const codes = Array.from({ length: ITERATIONS + WARMUP }, () => {
      const row = codeAt.get(1 + rng.int(opts.reports)) as { code: string } | undefined;
      if (!row) throw new Error('Replica incompleta: manca una segnalazione.');
      return row.code;
    });
    const open = await sample(ITERATIONS, WARMUP, async (i) => {
      const hit = (await call('reports.openByCode', { code: codes[i] })) as { id: string };
      await call('reports.get', { id: hit.id });
    });
    report('open_by_code', open);

    log('[bench] reports.create con un nuovo segnalatore (WAL, synchronous=FULL)…');
    const categories = new Map(
      (
        c.services.db
          .prepare(
            'SELECT c.id, p.name AS parent, c.name FROM categories c LEFT JOIN categories p ON p.id = c.parent_id',
          )
          .all() as {
          id: string;
          parent: string | null;
          name: string;
        }[]
      ).map((r) => [r.parent ? `${r.parent} > ${r.name}` : r.name, r.id]),
    );
    const ids = createUuidV7();
    const create = await sample(ITERATIONS, WARMUP, async () => {
      const leaf = rng.pick(DEMO_LEAVES);
      const text = makeReportText(rng, leaf);
      await call('reports.create', {
        fields: {
          ...text,
          categoryId: categories.get(leaf.path) ?? null,
          channel: 'telefono',
          priority: 'normale',
        },
        reporters: [{ reporterId: ids(), newReporter: makePerson(rng) }],
      });
    });
    report('create', create);
  } finally {
    core?.close();
    rmSync(work, { recursive: true, force: true });
  }

  log('[bench] Riepilogo (obiettivi della specifica):');
  for (const [name, t] of Object.entries(LOCAL_TARGETS)) {
    const f = figures.find((x) => x.name === name);
    if (!f) continue;
    const ok = f.value <= t.max;
    log(
      `  ${ok ? 'OK  ' : 'NO  '} ${name} = ${f.value.toFixed(f.unit === 'bytes' ? 0 : 3)} ${f.unit} (obiettivo ≤ ${t.max})`,
    );
  }
  if (replica.fresh) log(`[bench] Replica generata in ${replica.seedSeconds} s`);
  return figures;
}

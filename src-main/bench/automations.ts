/**
 * Suite `automations`: likely duplicates for a new report and the rules' cost per
 * report, on a replica of N reports (default 1,000,000), through the core as the
 * renderer and the store call them.
 *
 * - duplicates_p95_ms: duplicates.suggest for a report being entered, at the place and
 *   category of a recent report (so dense areas come up as often as they are dense).
 * - rules_per_report_ms: with 200 active rules, loading them for a report's mutation
 *   and evaluating them (conditions and actions), per report.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRules } from '../../src-shared/domain/automations/apply';
import type { Actor } from '../../src-shared/domain';
import { createUuidV7 } from '../../src-shared/domain';
import { createCore, DB_FILE, type CoreInternals } from '../core/create-core';
import { DEMO_ADMIN, DEMO_OPERATOR } from '../core/demo/demo-data';
import { createRng } from '../core/demo/prng';
import { loadSnapshot } from '../db/repos/entities';
import { toReport, REPORT_COLS } from '../db/repos/rows';
import { measureRulesOnUpdate } from './automations-rules';
import { defaultReplicaDir, ensureReplica } from './replica-cache';
import { emit, log, percentile, sample, type Figure } from './stats';

const ITERATIONS = 300;
const WARMUP = 30;
const RULES = 200;

export const AUTOMATIONS_TARGETS: Record<string, { max: number; unit: Figure['unit'] }> = {
  duplicates_p95_ms: { max: 5, unit: 'ms' },
  rules_per_report_ms: { max: 1, unit: 'ms' },
  rules_on_update_ms: { max: 1, unit: 'ms' },
};

/** Each of n runs repeated 5 times, keeping the fastest: the cost without preemption. */
async function bestOf5(n: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (let k = 0; k < 5; k++) {
      const t = performance.now();
      await fn(i);
      best = Math.min(best, performance.now() - t);
    }
    out.push(best);
  }
  return out;
}

export async function runAutomationsBench(opts: { reports: number; dataDir?: string }): Promise<Figure[]> {
  const figures: Figure[] = [];
  const put = (name: string, value: number, unit: Figure['unit'] = 'ms') => {
    const f: Figure = { suite: 'automations', name, value, unit };
    figures.push(f);
    emit(f);
  };
  const replica = await ensureReplica(opts.dataDir ?? defaultReplicaDir(opts.reports), opts.reports);
  const work = mkdtempSync(join(tmpdir(), 'sportello-bench-auto-'));
  let core: CoreInternals | undefined;
  try {
    log('[bench] Copio la replica in una cartella di lavoro…');
    copyFileSync(replica.file, join(work, DB_FILE));
    const t0 = performance.now();
    core = await createCore({ dataDir: work });
    log(`[bench] Core aperto (migrazioni comprese) in ${Math.round(performance.now() - t0)} ms`);
    const c = core;
    const login = async (who: { username: string; password: string }) => {
      const r = await c.call('auth.login', who, null);
      if (!r.ok) throw new Error(`auth.login: ${r.error.message}`);
      return (r.value as { token: string }).token;
    };
    const operator = await login(DEMO_OPERATOR);
    const admin = await login(DEMO_ADMIN);
    const call = async (name: string, input: unknown, session = operator): Promise<unknown> => {
      const r = await c.call(name, input, session);
      if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
      return r.value;
    };
    const db = c.services.db;

    // Probes: recent reports with a place and a category (the last 30 days).
    const now = Date.now();
    const recent = db
      .prepare(
        `SELECT category_id AS categoryId, lat, lon, title, description FROM reports
          WHERE created_at >= ? AND lat IS NOT NULL AND category_id IS NOT NULL`,
      )
      .all(now - 30 * 86_400_000) as {
      categoryId: string;
      lat: number;
      lon: number;
      title: string;
      description: string;
    }[];
    if (recent.length === 0) throw new Error('Nessuna segnalazione recente con luogo nella replica.');
    const rng = createRng(7);
    const probes = Array.from({ length: ITERATIONS + WARMUP }, () => recent[rng.int(recent.length)]!);

    log(`[bench] duplicates.suggest su ${probes.length} punti di segnalazioni recenti…`);
    let found = 0;
    const dup = await sample(ITERATIONS, WARMUP, async (i) => {
      const p = probes[i]!;
      const out = (await call('duplicates.suggest', {
        categoryId: p.categoryId,
        lat: p.lat,
        lon: p.lon,
        title: p.title,
        description: p.description,
      })) as { rows: unknown[] };
      if (i >= WARMUP) found += out.rows.length;
    });
    put('duplicates_p50_ms', percentile(dup, 50));
    put('duplicates_p95_ms', percentile(dup, 95));
    put('duplicates_suggested_avg', found / ITERATIONS, 'count');
    // On a shared, loaded machine the p95 above measures the scheduler as much as the
    // query: the best of 5 runs per probe is the query's own cost (reported beside it).
    put(
      'duplicates_best_of_5_p95_ms',
      percentile(
        await bestOf5(ITERATIONS, async (i) => {
          const p = probes[WARMUP + i]!;
          await call('duplicates.suggest', {
            categoryId: p.categoryId,
            lat: p.lat,
            lon: p.lon,
            title: p.title,
            description: p.description,
          });
        }),
        95,
      ),
    );
    // What a 2-D tree would have to read: every report in the 250 m box, any category, any time.
    const box = db.prepare(
      `SELECT count(*) FROM reports_geo WHERE min_lat >= ? AND max_lat <= ? AND min_lon >= ? AND max_lon <= ?`,
    );
    const inBox = probes.slice(0, 100).map((p) => {
      const dLat = 250 / 111_320;
      const dLon = 250 / (111_320 * Math.cos((p.lat * Math.PI) / 180));
      return box.pluck().get(p.lat - dLat, p.lat + dLat, p.lon - dLon, p.lon + dLon) as number;
    });
    put('duplicates_box_2d_reports_p95', percentile(inBox, 95), 'count');

    log(`[bench] ${RULES} regole attive: caricamento e valutazione per segnalazione…`);
    const categories = db.prepare('SELECT id FROM categories').pluck().all() as string[];
    const users = db.prepare("SELECT id FROM users WHERE role = 'operatore'").pluck().all() as string[];
    const ruleRng = createRng(11);
    for (let i = 0; i < RULES; i++) {
      const lat = 45.69 + ruleRng.next() * 0.02;
      const lon = 9.66 + ruleRng.next() * 0.02;
      await call(
        'automations.save',
        {
          name: `Regola ${i + 1}`,
          sortOrder: i,
          conditions: {
            categoryIds: [categories[ruleRng.int(categories.length)]!],
            area:
              i % 2 === 0
                ? [
                    [lat, lon],
                    [lat + 0.004, lon],
                    [lat + 0.004, lon + 0.006],
                    [lat + 0.001, lon + 0.008],
                    [lat, lon + 0.005],
                  ]
                : null,
            timeWindow: i % 3 === 0 ? { days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' } : null,
            channels: i % 5 === 0 ? ['telefono', 'email'] : [],
            words: i % 4 === 0 ? ['buca', 'lampione spento', 'rifiuti'] : [],
            emailDomains: i % 7 === 0 ? ['comune.bergamo.it'] : [],
          },
          actions: {
            assignUserIds: [users[ruleRng.int(users.length)]!],
            takeInCharge: i % 2 === 1,
            priority: i % 3 === 0 ? 'alta' : null,
            note: i % 10 === 0 ? 'Controllare' : null,
          },
        },
        admin,
      );
    }
    const sampleReports = (
      db.prepare(`SELECT ${REPORT_COLS} FROM reports WHERE seq % 997 = 0 LIMIT ?`).all(ITERATIONS) as Record<
        string,
        unknown
      >[]
    ).map(toReport);
    const actor: Actor = {
      id: users[0]!,
      role: 'operatore',
      permissions: {
        canReply: true,
        majorEdits: true,
        seesReporterData: true,
        statistics: true,
        export: true,
      },
      groupIds: [],
    };
    const ids = createUuidV7();
    let fired = 0;
    const evaluate = async (i: number) => {
      const r = sampleReports[i % sampleReports.length]!;
      const state = loadSnapshot(db, { automations: true, categories: r.categoryId ? [r.categoryId] : [] });
      const run = runRules(
        state,
        { ...r, status: 'nuovo' },
        [],
        ['mario@comune.bergamo.it'],
        actor,
        {
          now: r.createdAt,
          newId: ids,
          allocateCode: () => r.code,
        },
        'create',
      );
      fired += run.fired.length;
    };
    const rules = await sample(sampleReports.length, Math.min(WARMUP, sampleReports.length), evaluate);
    put('rules_per_report_ms', percentile(rules, 50));
    put('rules_per_report_p95_ms', percentile(rules, 95));
    put('rules_per_report_best_of_5_p95_ms', percentile(await bestOf5(sampleReports.length, evaluate), 95));
    put(
      'rules_fired_avg',
      fired / (6 * sampleReports.length + Math.min(WARMUP, sampleReports.length)),
      'count',
    );

    log('[bench] reports.create con 200 regole attive (end to end)…');
    const create = await sample(100, 10, async (i) => {
      const p = probes[i % probes.length]!;
      await call('reports.create', {
        fields: {
          title: p.title,
          description: p.description,
          categoryId: p.categoryId,
          address: '',
          lat: p.lat,
          lon: p.lon,
          channel: 'telefono',
        },
      });
    });
    put('create_with_200_rules_p95_ms', percentile(create, 95));

    log('[bench] Le stesse 200 regole «anche quando cambia», su un cambio di categoria…');
    await measureRulesOnUpdate(db, sampleReports, categories, actor, put);
    for (const f of figures) {
      const t = AUTOMATIONS_TARGETS[f.name];
      if (t && f.value > t.max)
        log(`[bench] ${f.name} = ${f.value} oltre l'obiettivo (≤ ${t.max} ${t.unit})`);
    }
    return figures;
  } finally {
    core?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

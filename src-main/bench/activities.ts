/**
 * Suite `activities`: the agenda on a replica of N reports with a municipality's worth of
 * planning — 2 single activities per 10 reports spread over a year (half done), 300
 * recurring series (daily, weekly on 1–3 days, monthly), overrides on some occurrences.
 * Measures what the screens ask through core.call: a week, a month, the overdue list of
 * the last 90 days, "mine" for a week, today's (Cruscotto), a report's panel, and
 * planning one activity (the mutation with its log entry). Warm figures reuse the series
 * already expanded (a refresh, the agenda's next week); cold ones expand every series anew.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { romeDateKey, romeDayStart } from '../../src-shared/domain/activities/rome-time';
import { endsAtOf } from '../../src-shared/domain/activities/occurrences';
import { clearExpansions } from '../../src-shared/domain/activities/recurrence';
import type { Activity, Recurrence } from '../../src-shared/domain/activities/activity';
import { createRng } from '../core/demo/prng';
import { createCore, type CoreInternals } from '../core/create-core';
import { putActivity } from '../db/repos/activities-rows';
import { emit, log, percentile, sample, type Figure } from './stats';

const ITERATIONS = 100;
const WARMUP = 10;
const DAY = 86_400_000;

export async function runActivitiesBench(opts: { reports: number }): Promise<Figure[]> {
  const figures: Figure[] = [];
  const put = (name: string, value: number, unit: Figure['unit'] = 'ms') => {
    const f: Figure = { suite: 'activities', name, value, unit };
    figures.push(f);
    emit(f);
  };
  const work = mkdtempSync(join(tmpdir(), 'sportello-bench-act-'));
  let core: CoreInternals | undefined;
  try {
    core = await createCore({ dataDir: work });
    const c = core;
    const admin = await c.call(
      'setup.createAdmin',
      { username: 'admin', fullName: 'Amministratore', password: 'bench-password' },
      null,
    );
    if (!admin.ok) throw new Error(admin.error.message);
    const session = (admin.value as { token: string }).token;
    const userId = (admin.value as { user: { id: string } }).user.id;
    const call = async <T>(name: string, input: unknown): Promise<T> => {
      const r = await c.call(name, input, session);
      if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
      return r.value as T;
    };

    const now = Date.now();
    const rng = createRng(42);
    const db = c.services.db;
    log(`[bench] ${opts.reports.toLocaleString('it-IT')} segnalazioni e le loro attività…`);
    const insertReport = db.prepare(
      `INSERT INTO reports (seq, id, code, title, channel, status, created_by, created_at, updated_by, updated_at)
       VALUES (?, ?, ?, ?, 'telefono', 'in_gestione', ?, ?, ?, ?)`,
    );
    let singles = 0;
    let seriesCount = 0;
    db.transaction(() => {
      for (let i = 1; i <= opts.reports; i++) {
        const id = crypto.randomUUID();
        insertReport.run(
          i,
          id,
          `2026-${String(i).padStart(6, '0')}`,
          `Segnalazione ${i}`,
          userId,
          now,
          userId,
          now,
        );
        const base = {
          reportId: id,
          seriesId: null,
          occurrenceStart: null,
          description: '',
          assigneeKind: rng.next() < 0.3 ? ('user' as const) : null,
          completionNote: null,
          createdBy: userId,
          createdAt: now,
          updatedBy: userId,
          updatedAt: now,
        };
        if (i % 5 === 0) {
          for (let k = 0; k < 2; k++) {
            const startAt = now + Math.floor((rng.next() - 0.5) * 365 * DAY);
            const a: Activity = {
              ...base,
              id: crypto.randomUUID(),
              title: `Attività ${i}.${k}`,
              assigneeId: base.assigneeKind ? userId : null,
              startAt,
              durationMin: 60,
              status: startAt < now && rng.next() < 0.5 ? 'completata' : 'da_fare',
              recurrence: null,
              endsAt: startAt + 3_600_000,
            };
            putActivity(db, i, a);
            singles++;
          }
        }
        if (i % Math.max(1, Math.floor(opts.reports / 300)) === 0 && seriesCount < 300) {
          const kind = seriesCount % 3;
          const rec: Recurrence =
            kind === 0
              ? { freq: 'daily', interval: 1, byWeekday: [], until: null, count: null }
              : kind === 1
                ? {
                    freq: 'weekly',
                    interval: 1,
                    byWeekday: ['MO', 'WE', 'FR'].slice(0, 1 + (seriesCount % 3)) as Recurrence['byWeekday'],
                    until: null,
                    count: null,
                  }
                : { freq: 'monthly', interval: 1, byWeekday: [], until: null, count: 24 };
          const startAt = now - Math.floor(rng.next() * 200) * DAY;
          const s = {
            ...base,
            id: crypto.randomUUID(),
            title: `Serie ${seriesCount}`,
            assigneeId: base.assigneeKind ? userId : null,
            startAt,
            durationMin: 30,
            status: 'da_fare' as const,
            recurrence: rec,
          };
          putActivity(db, i, { ...s, endsAt: endsAtOf(s) });
          seriesCount++;
        }
      }
    })();
    log(`[bench] ${singles.toLocaleString('it-IT')} attività singole, ${seriesCount} serie`);

    const today = romeDateKey(now);
    const week = { from: romeDayStart(today), to: romeDayStart(today, 7) };
    const month = { from: romeDayStart(today), to: romeDayStart(today, 35) };
    const cases: [string, unknown][] = [
      ['list_week', week],
      ['list_month', month],
      ['list_overdue_90d', { from: romeDayStart(today, -90), to: romeDayStart(today, 1), overdueOnly: true }],
      ['list_mine_week', { ...week, assignee: 'mine' }],
      ['today', { from: romeDayStart(today), to: romeDayStart(today, 1) }],
    ];
    for (const [name, input] of cases) {
      const first = await call<{ occurrences: unknown[] }>('activities.list', input);
      log(`[bench] ${name}: ${first.occurrences.length} occorrenze`);
      const t = await sample(ITERATIONS, WARMUP, async () => {
        await call('activities.list', input);
      });
      put(`${name}_p50_ms`, percentile(t, 50));
      put(`${name}_p95_ms`, percentile(t, 95));
      // Cold: no series expanded yet (the first look after start-up or at a new period).
      const cold = await sample(10, 0, async () => {
        clearExpansions();
        await call('activities.list', input);
      });
      put(`${name}_cold_p50_ms`, percentile(cold, 50));
    }
    const withSeries = db
      .prepare(
        'SELECT r.id FROM report_activities a JOIN reports r ON r.seq = a.report_seq WHERE a.recurrence IS NOT NULL LIMIT 1',
      )
      .pluck()
      .get() as string;
    const panel = await sample(ITERATIONS, WARMUP, async () => {
      await call('activities.ofReport', { reportId: withSeries });
    });
    put('report_panel_p95_ms', percentile(panel, 95));
    const ids = db.prepare('SELECT id FROM reports ORDER BY seq LIMIT 200').pluck().all() as string[];
    const create = await sample(ids.length - WARMUP, WARMUP, async (i) => {
      await call('activities.create', {
        reportId: ids[i]!,
        fields: { title: 'Sopralluogo', startAt: now + DAY, durationMin: 60 },
      });
    });
    put('create_p95_ms', percentile(create, 95));
  } finally {
    core?.close();
    rmSync(work, { recursive: true, force: true });
  }
  return figures;
}

/**
 * Suite `exports`: the supervisors' figures at N reports (default 1,000,000).
 *
 * - dashboard_1m_ms: counts by status, category, channel and assignee together
 *   (statsCounts, the part of stats.get that reads the trigger-kept summaries).
 * - close_times_1m_ms: average and exact median of days to close per category.
 * - csv_1m_s / csv_1m_peak_rss_mb: `sportello export --format csv` of every report in
 *   a child process; the export time is the child's own, the peak RSS is the child's
 *   whole-process high-water mark (VmHWM from /proc, sampled while it runs).
 * - xlsx_100k_s: the newest 100,000 reports to a streaming XLSX.
 *
 * The cached replica is copied to a work folder first, so the migrations of this
 * working tree (summary tables, covering indexes) never alter the cache; their cost
 * at this size is reported as stats_migration_s.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ExportStatus } from '../../src-shared/api/calls-stats';
import { createCore, DB_FILE, type CoreInternals } from '../core/create-core';
import { DEMO_OPERATOR } from '../core/demo/demo-data';
import { actorOf } from '../core/auth-service';
import { getUserByUsername } from '../db/repos/entities';
import { closeTimes, statsCounts } from '../stats/stats-read';
import { defaultReplicaDir, ensureReplica } from './replica-cache';
import { log, percentile, round3 } from './stats';

export const EXPORTS_TARGETS: Record<string, { max: number; unit: string }> = {
  csv_1m_s: { max: 12, unit: 's' },
  csv_1m_peak_rss_mb: { max: 200, unit: 'MB' },
  xlsx_100k_s: { max: 15, unit: 's' },
  dashboard_1m_ms: { max: 50, unit: 'ms' },
  close_times_1m_ms: { max: 500, unit: 'ms' },
};

interface Fig {
  suite: 'exports';
  name: string;
  value: number;
  unit: string;
}

function vmHwmKb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Runs `sportello export` in a child; resolves with its own export time and peak RSS. */
function childCsv(dataDir: string, out: string): Promise<{ seconds: number; peakMb: number; rows: number }> {
  const bin = resolve(process.cwd(), 'bin/sportello.mjs');
  const args = [bin, 'export', '--format', 'csv', '--out', out, '--data-dir', dataDir];
  args.push('--username', DEMO_OPERATOR.username, '--status', 'nuovo,in_gestione,chiuso');
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let peak = 0;
    const timer = setInterval(() => {
      const kb = vmHwmKb(child.pid!);
      if (kb) peak = Math.max(peak, kb);
    }, 20);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) => {
      clearInterval(timer);
      const m = /^(\d+) segnalazioni esportate .* \((\d+(?:\.\d+)?) s\)/m.exec(stdout);
      if (code !== 0 || !m) return fail(new Error(`sportello export: uscita ${code}\n${stdout}`));
      ok({ rows: Number(m[1]), seconds: Number(m[2]), peakMb: peak / 1024 });
    });
  });
}

export async function runExportsBench(opts: { reports: number; dataDir?: string }): Promise<Fig[]> {
  const figures: Fig[] = [];
  const n = opts.reports;
  const size = n >= 1_000_000 ? `${n / 1_000_000}m` : `${n / 1000}k`;
  const put = (name: string, value: number, unit: string) => {
    const f: Fig = { suite: 'exports', name, value, unit };
    figures.push(f);
    process.stdout.write(JSON.stringify({ ...f, value: round3(value) }) + '\n');
  };
  const replica = await ensureReplica(opts.dataDir ?? defaultReplicaDir(n), n);
  const work = mkdtempSync(join(tmpdir(), 'sportello-bench-exports-'));
  let core: CoreInternals | undefined;
  try {
    log('[bench] Copio la replica in una cartella di lavoro…');
    copyFileSync(replica.file, join(work, DB_FILE));
    let t = performance.now();
    core = await createCore({ dataDir: work });
    put('stats_migration_s', (performance.now() - t) / 1000, 's');
    const db = core.services.db;
    db.exec('ANALYZE');
    const user = getUserByUsername(db, DEMO_OPERATOR.username);
    if (!user) throw new Error('Replica senza utente dimostrativo.');
    const actor = actorOf(db, user);
    const all = { from: null, to: null };

    log('[bench] Conteggi del cruscotto (stato, categoria, canale, assegnatario)…');
    for (let i = 0; i < 5; i++) statsCounts(db, actor, all);
    const dash: number[] = [];
    for (let i = 0; i < 30; i++) {
      t = performance.now();
      statsCounts(db, actor, all);
      dash.push(performance.now() - t);
    }
    put(`dashboard_${size}_ms`, percentile(dash, 50), 'ms');
    const year = { from: Date.now() - 365 * 86_400_000, to: Date.now() };
    const dashYear: number[] = [];
    for (let i = 0; i < 30; i++) {
      t = performance.now();
      statsCounts(db, actor, year);
      dashYear.push(performance.now() - t);
    }
    put(`dashboard_last_year_${size}_ms`, percentile(dashYear, 50), 'ms');

    log('[bench] Giorni per chiudere (media e mediana per categoria)…');
    closeTimes(db, actor, all);
    const close: number[] = [];
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      closeTimes(db, actor, all);
      close.push(performance.now() - t);
    }
    put(`close_times_${size}_ms`, percentile(close, 50), 'ms');

    log('[bench] stats.get completo (tutto il periodo)…');
    const login = await core.call('auth.login', DEMO_OPERATOR, null);
    if (!login.ok) throw new Error(login.error.message);
    const session = (login.value as { token: string }).token;
    t = performance.now();
    const r = await core.call('stats.get', {}, session);
    if (!r.ok) throw new Error(r.error.message);
    put(`stats_get_${size}_ms`, performance.now() - t, 'ms');

    log('[bench] XLSX delle 100.000 segnalazioni più recenti…');
    const from = db
      .prepare('SELECT created_at FROM reports ORDER BY created_at DESC LIMIT 1 OFFSET ?')
      .pluck()
      .get(Math.min(99_999, n - 1)) as number;
    const start = await core.call(
      'exports.start',
      { format: 'xlsx', filters: { statuses: ['nuovo', 'in_gestione', 'chiuso'], from } },
      session,
    );
    if (!start.ok) throw new Error(start.error.message);
    const exportId = (start.value as { exportId: string }).exportId;
    t = performance.now();
    let s: ExportStatus;
    for (;;) {
      const st = await core.call('exports.status', { exportId }, session);
      if (!st.ok) throw new Error(st.error.message);
      s = st.value as ExportStatus;
      if (s.state !== 'running') break;
      await new Promise((res) => setTimeout(res, 25));
    }
    if (s.state !== 'done') throw new Error(`xlsx: ${s.state} ${s.error ?? ''}`);
    put(`xlsx_${Math.round(s.rows / 1000)}k_s`, (performance.now() - t) / 1000, 's');
    log(`[bench]   ${s.rows} righe, ${(statSync(s.path).size / 1e6).toFixed(1)} MB`);
    rmSync(s.path, { force: true });
    core.close();
    core = undefined;

    log(`[bench] CSV di tutte le ${n.toLocaleString('it-IT')} segnalazioni in un processo figlio…`);
    const out = join(work, 'tutte.csv');
    const csv = await childCsv(work, out);
    put(`csv_${size}_s`, csv.seconds, 's');
    put(`csv_${size}_peak_rss_mb`, csv.peakMb, 'MB');
    log(`[bench]   ${csv.rows} righe, ${(statSync(out).size / 1e6).toFixed(1)} MB`);
  } finally {
    core?.close();
    rmSync(work, { recursive: true, force: true });
  }

  log('[bench] Riepilogo (obiettivi della specifica):');
  for (const [name, tgt] of Object.entries(EXPORTS_TARGETS)) {
    const f = figures.find((x) => x.name === name);
    if (!f) continue;
    log(
      `  ${f.value <= tgt.max ? 'OK  ' : 'NO  '} ${name} = ${f.value.toFixed(3)} ${f.unit} (obiettivo ≤ ${tgt.max})`,
    );
  }
  return figures;
}

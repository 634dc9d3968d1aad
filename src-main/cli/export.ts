/**
 * `sportello export --format csv|xlsx|pdf --out FILE [--username U] [filters]`: the same
 * export as the app, as a given user so that permissions and redaction still apply
 * (default: the first active administrator).
 */
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { zReportFilters, SORT_FIELDS } from '../../src-shared/api';
import { EXPORT_FORMATS, type ExportFormat } from '../../src-shared/api/calls-stats';
import {
  CHANNELS,
  COUNTED_STATUSES,
  createUuidV7,
  REPORT_STATUSES,
  type Channel,
  type ReportStatus,
} from '../../src-shared/domain';
import { actorOf } from '../core/auth-service';
import { defaultDataDir } from '../core/paths';
import { migrateDatabase, openDatabase } from '../db/migrate';
import { getUserByUsername } from '../db/repos/entities';
import { getMeta } from '../db/repos/settings-read';
import { createExportJobs } from '../export/export-jobs';
import { romeMidnight } from '../export/rome-time';
import { UsageError } from './main';

/** As in create-core.ts, which is not imported here (it loads every handler). */
const DB_FILE = 'sportello.db';

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** dd/mm/yyyy or yyyy-mm-dd → midnight in Rome (a --to day is included whole). */
export function parseDay(v: string, endOfDay: boolean): number {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const it = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(v);
  if (!iso && !it) throw new UsageError(`Data non valida: ${v} (usa gg/mm/aaaa o aaaa-mm-gg).`);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : [it![3], it![2], it![1]];
  return romeMidnight(Number(y), Number(m) - 1, Number(d) + (endOfDay ? 1 : 0));
}

export async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      'data-dir': { type: 'string' },
      username: { type: 'string' },
      status: { type: 'string' },
      category: { type: 'string' },
      channel: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      q: { type: 'string' },
      overdue: { type: 'boolean' },
      sort: { type: 'string' },
      report: { type: 'string' },
    },
  });
  const format = values.format as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new UsageError('Indica --format csv, xlsx o pdf.');
  if (!values.out) throw new UsageError('Indica il file da scrivere con --out FILE.');
  const statuses = list(values.status);
  for (const s of statuses)
    if (!REPORT_STATUSES.includes(s as ReportStatus)) throw new UsageError(`Stato sconosciuto: ${s}`);
  const channels = list(values.channel);
  for (const c of channels)
    if (!CHANNELS.includes(c as Channel)) throw new UsageError(`Canale sconosciuto: ${c}`);
  const [sortField, sortDir] = (values.sort ?? 'createdAt:desc').split(':');
  if (!(SORT_FIELDS as readonly string[]).includes(sortField!))
    throw new UsageError(`Ordinamento sconosciuto: ${sortField}`);

  // The database alone, not createCore: every handler's libraries would count in the
  // memory of a million-row export (see `npm run bench -- exports`).
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const file = join(dataDir, DB_FILE);
  if (!existsSync(file)) throw new UsageError(`Nessun archivio di Sportello in ${dataDir}.`);
  const db = openDatabase(file);
  try {
    migrateDatabase(db);
    const username =
      values.username ??
      (db
        .prepare(
          "SELECT username FROM users WHERE role = 'amministratore' AND active = 1 ORDER BY created_at LIMIT 1",
        )
        .pluck()
        .get() as string | undefined);
    const user = username ? getUserByUsername(db, username.toLowerCase()) : undefined;
    if (!user || !user.active)
      throw new UsageError(`Utente sconosciuto o disattivato: ${username ?? '(nessuno)'}`);
    const categoryIds = list(values.category).map((c) => {
      const id = db
        .prepare('SELECT id FROM categories WHERE id = ? OR name = ? COLLATE NOCASE')
        .pluck()
        .get(c, c);
      if (!id) throw new UsageError(`Categoria sconosciuta: ${c}`);
      return id as string;
    });
    const filters = zReportFilters.parse({
      q: values.q ?? '',
      // Merged reports are exported once, as their main report, unless asked for.
      statuses: statuses.length ? statuses : [...COUNTED_STATUSES],
      categoryIds,
      channels,
      from: values.from ? parseDay(values.from, false) : null,
      to: values.to ? parseDay(values.to, true) : null,
      overdue: values.overdue ?? false,
    });
    const jobs = createExportJobs({
      db,
      dataDir,
      clock: Date.now,
      newId: createUuidV7(Date.now),
      municipality: () => getMeta(db, 'municipality') ?? 'Comune',
      onProgress: (p) => {
        if (p.total)
          process.stderr.write(`\r${p.rows.toLocaleString('it-IT')} / ${p.total.toLocaleString('it-IT')}`);
      },
    });
    const actor = actorOf(db, user);
    const id = jobs.start(actor, {
      format,
      filters,
      sort: { field: sortField as (typeof SORT_FIELDS)[number], dir: sortDir === 'asc' ? 'asc' : 'desc' },
      reportId: values.report ?? null,
    });
    const s = await jobs.wait(actor, id);
    process.stderr.write('\n');
    if (s.state !== 'done') throw new Error(s.error ?? 'esportazione non riuscita');
    const out = resolve(values.out);
    copyFileSync(s.path, out);
    rmSync(s.path, { force: true });
    const secs = ((s.finishedAt ?? Date.now()) - s.startedAt) / 1000;
    process.stdout.write(`${s.rows} segnalazioni esportate in ${out} (${secs.toFixed(2)} s)\n`);
    return 0;
  } finally {
    db.close();
  }
}

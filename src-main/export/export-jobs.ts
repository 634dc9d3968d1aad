/**
 * Export jobs: each runs on its own read-only SQLite connection (WAL: a consistent
 * snapshot that never blocks the core's writer nor its other reads), streams into
 * `<dataDir>/exports/`, reports progress through an event and can be cancelled.
 * A job belongs to the user who started it; nobody else can see, cancel or download it.
 * A host may name the file instead (the desktop save dialog): the job then writes a
 * `.part` beside it and renames it into place only when complete, so a cancelled or
 * failed export never leaves half a file where the person asked for one.
 */
import Database from 'better-sqlite3';
import {
  closeSync,
  createWriteStream,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { finished } from 'node:stream/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { ExportFormat, ExportStatus } from '../../src-shared/api/calls-stats';
import type { Actor } from '../../src-shared/domain';
import { DomainError, hasPermission, STATUS_LABELS } from '../../src-shared/domain';
import type { Sqlite } from '../db/migrate';
import { buildListQuery } from '../db/repos/reports-list';
import { getReportDetail } from '../db/repos/reports-read';
import { prepareExport, type ExportQueryInput, type ExportRow, CHANNEL_LABELS } from './export-rows';
import type { SummaryFigures } from './pdf';
import { formatDateIt } from './rome-time';
import { ExportCancelled, writeCsv, writeXlsx } from './writers';

/** Bigger files are not sent through the API as base64; the host serves them by path. */
export const MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024;
const KEEP_FILES_MS = 24 * 3_600_000;
const MAX_RUNNING_PER_USER = 2;

export const MIME: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

export interface ExportStartInput extends ExportQueryInput {
  format: ExportFormat;
  reportId: string | null;
}

interface Job {
  status: ExportStatus;
  ownerId: string;
  cancel: boolean;
  done: Promise<void>;
}

export interface ExportJobsOptions {
  db: Sqlite;
  dataDir: string;
  clock: () => number;
  newId: () => string;
  municipality: () => string;
  onProgress?: (p: { exportId: string; rows: number; total: number | null; state: string }) => void;
}

export function requireExport(actor: Actor): void {
  if (!hasPermission(actor, 'export')) {
    throw new DomainError('forbidden', 'Non hai il permesso «esportazione».');
  }
}

const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');

export function createExportJobs(opts: ExportJobsOptions) {
  const dir = join(opts.dataDir, 'exports');
  const jobs = new Map<string, Job>();

  function sweep() {
    mkdirSync(dir, { recursive: true });
    const now = opts.clock();
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      try {
        if (now - statSync(p).mtimeMs > KEEP_FILES_MS) rmSync(p, { force: true });
      } catch {
        // Another process may be removing it too.
      }
    }
  }

  function own(actor: Actor, exportId: string): Job {
    const j = jobs.get(exportId);
    if (!j || j.ownerId !== actor.id) throw new DomainError('not_found', 'Esportazione non trovata.');
    return j;
  }

  function progress(j: Job) {
    opts.onProgress?.({
      exportId: j.status.exportId,
      rows: j.status.rows,
      total: j.status.total,
      state: j.status.state,
    });
  }

  async function runRows(
    j: Job,
    input: ExportStartInput,
    actor: Actor,
    now: number,
    out: NodeJS.WritableStream,
  ) {
    const prep = prepareExport(opts.db, input, actor, now);
    const conn = new Database(opts.db.name, { readonly: true, fileMustExist: true });
    try {
      conn.pragma('cache_size = -16384');
      j.status.total = (conn.prepare(prep.countSql).get(...prep.params) as { n: number }).n;
      progress(j);
      const it = conn
        .prepare(prep.sql)
        .raw()
        .iterate(...prep.params) as IterableIterator<unknown[]>;
      function* rows(): Generator<ExportRow> {
        for (const raw of it) yield prep.toRow(raw);
      }
      const hooks = {
        onProgress(n: number) {
          j.status.rows = n;
          progress(j);
        },
        cancelled: () => j.cancel,
      };
      const write = input.format === 'csv' ? writeCsv : writeXlsx;
      try {
        await write(rows(), prep.columns, out as never, hooks);
      } finally {
        it.return?.();
      }
    } finally {
      conn.close();
    }
  }

  function summaryFigures(input: ExportStartInput, actor: Actor, now: number): SummaryFigures {
    const b = buildListQuery(
      opts.db,
      { filters: input.filters, sort: input.sort, offset: 0, limit: 1, withTotal: false },
      actor,
      now,
    );
    const where = b.where.length ? 'WHERE ' + b.where.join(' AND ') : '';
    const group = (col: string) =>
      opts.db
        .prepare(`SELECT ${col} AS k, count(*) AS n FROM ${b.from} ${where} GROUP BY 1 ORDER BY 2 DESC`)
        .all(...b.params) as { k: string | null; n: number }[];
    const cats = new Map(
      (opts.db.prepare('SELECT id, name FROM categories').all() as { id: string; name: string }[]).map(
        (c) => [c.id, c.name],
      ),
    );
    const byStatus = group('r.status').map((x) => ({
      label: STATUS_LABELS[x.k as keyof typeof STATUS_LABELS] ?? String(x.k),
      n: x.n,
    }));
    const byCategory = group('r.category_id').map((x) => ({
      label: x.k ? (cats.get(x.k) ?? 'Categoria rimossa') : 'Senza categoria',
      n: x.n,
    }));
    const byChannel = group('r.channel').map((x) => ({
      label: CHANNEL_LABELS[x.k ?? ''] ?? String(x.k),
      n: x.n,
    }));
    const overdue = (
      opts.db
        .prepare(
          `SELECT count(*) AS n FROM ${b.from} ${where ? where + ' AND' : 'WHERE'} r.due_at < ? AND r.status IN ('nuovo','in_gestione')`,
        )
        .get(...b.params, now) as { n: number }
    ).n;
    return { total: byStatus.reduce((s, x) => s + x.n, 0), byStatus, byCategory, byChannel, overdue };
  }

  function filtersText(input: ExportStartInput): string[] {
    const f = input.filters;
    const out: string[] = [];
    out.push(`Stato: ${f.statuses.length ? f.statuses.map((s) => STATUS_LABELS[s]).join(', ') : 'tutti'}`);
    if (f.q) out.push(`Ricerca: «${f.q}»`);
    if (f.from != null || f.to != null)
      out.push(
        `Periodo: ${f.from != null ? `dal ${formatDateIt(f.from)}` : ''} ${f.to != null ? `al ${formatDateIt(f.to - 1)}` : ''}`.trim(),
      );
    if (f.categoryIds.length) out.push(`Categorie selezionate: ${f.categoryIds.length}`);
    if (f.channels.length) out.push(`Canali: ${f.channels.map((c) => CHANNEL_LABELS[c]).join(', ')}`);
    if (f.overdue) out.push('Solo scadute');
    return out;
  }

  async function runPdf(input: ExportStartInput, actor: Actor, now: number, out: NodeJS.WritableStream) {
    // pdfkit and its fonts load only when a PDF is asked for.
    const { SUMMARY_MAX_ROWS, writeReportPdf, writeSummaryPdf } = await import('./pdf');
    if (input.reportId) {
      const d = getReportDetail(opts.db, input.reportId, actor, now);
      if (!d) throw new DomainError('not_found', 'Segnalazione non trovata o non accessibile.');
      writeReportPdf(out as never, d, opts.municipality());
      return 1;
    }
    const figures = summaryFigures(input, actor, now);
    const prep = prepareExport(opts.db, input, actor, now);
    const rows = (
      opts.db
        .prepare(`${prep.sql} LIMIT ${SUMMARY_MAX_ROWS}`)
        .raw()
        .all(...prep.params) as unknown[][]
    ).map(prep.toRow);
    writeSummaryPdf(out as never, {
      municipality: opts.municipality(),
      filtersText: filtersText(input),
      figures,
      rows,
      now,
    });
    return rows.length;
  }

  return {
    /** `saveTo`: an absolute path a host chose (save dialog); else `<dataDir>/exports/`. */
    start(actor: Actor, input: ExportStartInput, saveTo?: string): string {
      requireExport(actor);
      const running = [...jobs.values()].filter(
        (j) => j.ownerId === actor.id && j.status.state === 'running',
      );
      if (running.length >= MAX_RUNNING_PER_USER) {
        throw new DomainError(
          'conflict',
          'Hai già due esportazioni in corso: attendi che finiscano o annullale.',
        );
      }
      sweep();
      const now = opts.clock();
      const exportId = opts.newId();
      const base =
        input.format === 'pdf' && input.reportId
          ? `segnalazione-${exportId.slice(-8)}`
          : `segnalazioni-${stamp(now)}-${exportId.slice(-6)}`;
      let fileName = `${base}.${input.format}`;
      let path = join(dir, fileName);
      let tmp = `${path}.part`;
      if (saveTo !== undefined) {
        if (!isAbsolute(saveTo)) throw new DomainError('validation', 'Percorso di salvataggio non valido.');
        path = saveTo;
        fileName = basename(saveTo);
        tmp = `${saveTo}.${exportId.slice(-6)}.part`;
        // An unwritable folder is refused now, with a message, not later inside the job.
        try {
          closeSync(openSync(tmp, 'w'));
        } catch {
          throw new DomainError(
            'validation',
            `Impossibile scrivere nella cartella ${dirname(saveTo)}: scegline un'altra.`,
          );
        }
      }
      const status: ExportStatus = {
        exportId,
        format: input.format,
        state: 'running',
        rows: 0,
        total: null,
        fileName,
        path,
        userChosePath: saveTo !== undefined,
        bytes: 0,
        error: null,
        startedAt: now,
        finishedAt: null,
      };
      const job: Job = { status, ownerId: actor.id, cancel: false, done: Promise.resolve() };
      job.done = (async () => {
        // Start on the next turn: the caller gets its exportId before any work.
        await new Promise((r) => setImmediate(r));
        const out = createWriteStream(tmp);
        try {
          if (input.format === 'pdf') status.rows = await runPdf(input, actor, now, out);
          else await runRows(job, input, actor, now, out);
          // pdfkit ends the stream it is piped into; the row writers leave it to us.
          if (input.format !== 'pdf' && !out.writableEnded) out.end();
          await finished(out);
          if (job.cancel) throw new ExportCancelled();
          renameSync(tmp, path);
          status.bytes = statSync(path).size;
          status.state = 'done';
        } catch (err) {
          out.destroy();
          rmSync(tmp, { force: true });
          if (err instanceof ExportCancelled || job.cancel) status.state = 'cancelled';
          else {
            status.state = 'failed';
            status.error =
              err instanceof DomainError
                ? err.message
                : 'Esportazione non riuscita: riprova o restringi i filtri.';
            if (!(err instanceof DomainError)) console.error('[export] failed:', err);
          }
        } finally {
          status.finishedAt = opts.clock();
          progress(job);
        }
      })();
      jobs.set(exportId, job);
      return exportId;
    },
    status(actor: Actor, exportId: string): ExportStatus {
      return { ...own(actor, exportId).status };
    },
    cancel(actor: Actor, exportId: string): void {
      const j = own(actor, exportId);
      if (j.status.state === 'running') j.cancel = true;
    },
    /** Resolves when the job ended (any state). */
    async wait(actor: Actor, exportId: string): Promise<ExportStatus> {
      const j = own(actor, exportId);
      await j.done;
      return { ...j.status };
    },
    download(actor: Actor, exportId: string) {
      const j = own(actor, exportId);
      if (j.status.state !== 'done') throw new DomainError('conflict', 'L’esportazione non è ancora pronta.');
      if (j.status.bytes > MAX_DOWNLOAD_BYTES) {
        throw new DomainError(
          'too_large',
          `Il file è troppo grande per lo scaricamento dal browser: si trova in ${j.status.path}.`,
        );
      }
      return {
        fileName: j.status.fileName,
        mime: MIME[j.status.format],
        dataBase64: readFileSync(j.status.path).toString('base64'),
      };
    },
    /** Cancels what runs and waits for it (core shutdown). */
    async close(): Promise<void> {
      for (const j of jobs.values()) j.cancel = true;
      await Promise.all([...jobs.values()].map((j) => j.done));
    },
  };
}

export type ExportJobs = ReturnType<typeof createExportJobs>;

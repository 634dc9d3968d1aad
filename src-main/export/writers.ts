/**
 * Streaming writers: rows come from a better-sqlite3 iterator and go to a file stream;
 * when the stream's buffer is full the loop awaits 'drain' (backpressure), so memory
 * stays bounded whatever the number of rows. Awaiting also hands the event loop back
 * to other calls between chunks.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { CSV_BOM, csvHeader, csvLine } from './csv';
import type { Column, ExportRow } from './export-rows';
import { romeWallDate } from './rome-time';

export interface PumpHooks {
  /** Called every few thousand rows; throw (or return true) to stop. */
  onProgress(rows: number): void;
  cancelled(): boolean;
}

export class ExportCancelled extends Error {
  constructor() {
    super('Esportazione annullata.');
  }
}

const CHUNK_CHARS = 256 * 1024;
const PROGRESS_EVERY = 5_000;

async function write(out: Writable, data: string): Promise<void> {
  if (!out.write(data)) await once(out, 'drain');
}

export async function writeCsv(
  rows: Iterable<ExportRow>,
  columns: Column[],
  out: Writable,
  hooks: PumpHooks,
): Promise<number> {
  let buf = CSV_BOM + csvHeader(columns);
  let n = 0;
  for (const row of rows) {
    buf += csvLine(row, columns);
    n++;
    if (buf.length >= CHUNK_CHARS) {
      await write(out, buf);
      buf = '';
      if (hooks.cancelled()) throw new ExportCancelled();
    }
    if (n % PROGRESS_EVERY === 0) hooks.onProgress(n);
  }
  if (buf) await write(out, buf);
  hooks.onProgress(n);
  return n;
}

const NUM_FMT: Record<Column['type'], string | undefined> = {
  date: 'dd/mm/yyyy',
  datetime: 'dd/mm/yyyy hh:mm',
  number: '0.000000',
  text: undefined,
};

/**
 * XLSX through exceljs's streaming WorkbookWriter: each committed row is serialised and
 * dropped. Dates are real date cells showing Rome's wall clock (Excel has no time
 * zones), coordinates are numbers.
 */
export async function writeXlsx(
  rows: Iterable<ExportRow>,
  columns: Column[],
  out: Writable,
  hooks: PumpHooks,
): Promise<number> {
  // Loaded on demand: a CSV export (and its peak memory) never pays for exceljs.
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = 'Sportello';
  const ws = wb.addWorksheet('Segnalazioni', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({
    header: c.header,
    key: c.key,
    width: c.width,
    style: NUM_FMT[c.type] ? { numFmt: NUM_FMT[c.type] } : {},
  }));
  ws.getRow(1).font = { bold: true };
  let n = 0;
  for (const row of rows) {
    const values: Record<string, unknown> = {};
    for (const c of columns) {
      const v = row[c.key];
      if (v === null || v === '') continue;
      values[c.key] = c.type === 'date' || c.type === 'datetime' ? romeWallDate(v as number) : v;
    }
    ws.addRow(values).commit();
    n++;
    if (n % 2_000 === 0) {
      // Let the zip stream flush what the committed rows produced.
      if (out.writableNeedDrain) await once(out, 'drain');
      else await new Promise((r) => setImmediate(r));
      if (hooks.cancelled()) throw new ExportCancelled();
    }
    if (n % PROGRESS_EVERY === 0) hooks.onProgress(n);
  }
  ws.commit();
  await wb.commit();
  hooks.onProgress(n);
  return n;
}

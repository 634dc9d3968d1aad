/**
 * Exports read back with real parsers (csv-parse, exceljs, pdf.js) and compared with
 * the database, on a real SQLite file built through the API.
 */
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExportStatus } from '../../src-shared/api/calls-stats';
import { buildFixture, type Fixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';
import { csvText } from './csv';
import { formatDateIt, romeOffsetMs } from './rome-time';

let w: TestWorld;
let f: Fixture;
let supplierExport: string;
const codes: Record<string, string> = {};

const TRICKY = {
  formula: '=SUM(A1:A9)',
  semicolon: 'Lampione spento; via Roma',
  quotes: 'Il cittadino dice "urgente"',
  newline: 'Prima riga\nSeconda riga',
  plus: '+39 numero in titolo',
};

async function report(title: string, extra: Record<string, unknown> = {}, reporter = true) {
  return w.ok<{ id: string; code: string }>(
    'reports.create',
    {
      fields: {
        title,
        description: `Descrizione di ${title}`,
        categoryId: f.bucaId,
        address: 'Via Città di Mantova 12',
        lat: 45.6983,
        lon: 9.6773,
        channel: 'telefono',
        ...extra,
      },
      reporters: reporter
        ? [
            {
              reporterId: crypto.randomUUID(),
              newReporter: {
                nome: 'Giuseppe',
                cognome: 'Esposito',
                email: 'g.esposito@example.it',
                telefono: '0351234567',
              },
            },
          ]
        : [],
    },
    f.clerk,
  );
}

beforeEach(async () => {
  w = await createTestWorld();
  f = await buildFixture(w);
  const sid = (
    await w.ok<{ id: string }>(
      'settings.users.save',
      {
        username: 'ditta.luci',
        fullName: 'Luci Srl',
        role: 'fornitore',
        permissions: {
          canReply: false,
          majorEdits: false,
          seesReporterData: false,
          statistics: false,
          export: true,
        },
        password: 'password-ditta.luci',
      },
      f.admin,
    )
  ).id;
  supplierExport = (
    await w.ok<{ token: string }>('auth.login', { username: 'ditta.luci', password: 'password-ditta.luci' })
  ).token;
  for (const [k, title] of Object.entries(TRICKY)) {
    const r = await report(title);
    codes[k] = r.code;
    w.clock.advance(1_200_000);
  }
  const mine = await report('Lampione del fornitore', { channel: 'email' });
  codes.supplier = mine.code;
  await w.ok('reports.assign', { id: mine.id, kind: 'user', assigneeId: sid }, f.clerk);
  const closed = await report('Segnalazione chiusa in estate', {}, false);
  codes.closed = closed.code;
  w.clock.advance(3 * 3_600_000);
  await w.ok('reports.takeInCharge', { id: closed.id }, f.clerk);
  await w.ok('reports.close', { id: closed.id, outcomeId: f.positivoId, closingNote: 'Fatto' }, f.clerk);
});
afterEach(() => w.cleanup());

async function runExport(session: string, input: object): Promise<ExportStatus> {
  const { exportId } = await w.ok<{ exportId: string }>('exports.start', input, session);
  for (;;) {
    const s = await w.ok<ExportStatus>('exports.status', { exportId }, session);
    if (s.state !== 'running') return s;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ALL = { statuses: ['nuovo', 'in_gestione', 'chiuso'] };

interface DbRow {
  code: string;
  title: string;
  created_at: number;
  closed_at: number | null;
  due_at: number | null;
  lat: number | null;
}
const dbRows = () =>
  w.core.services.db
    .prepare(
      'SELECT code, title, created_at, closed_at, due_at, lat FROM reports ORDER BY created_at DESC, seq DESC',
    )
    .all() as DbRow[];

describe('CSV export', () => {
  it('opens in Italian Excel: BOM, semicolons, CRLF, dd/mm/yyyy, quoting, no formulas', async () => {
    const s = await runExport(f.clerk, { format: 'csv', filters: ALL });
    expect(s.state).toBe('done');
    const buf = readFileSync(s.path);
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = buf.toString('utf8');
    expect(text.split('\r\n').length).toBeGreaterThan(8);
    // Outside quoted cells every line ends in CRLF.
    expect(text.replace(/"(?:[^"]|"")*"/g, '').match(/[^\r]\n/)).toBeNull();
    const records = parse(text, {
      bom: true,
      delimiter: ';',
      record_delimiter: '\r\n',
      columns: true,
    }) as Record<string, string>[];
    const db = dbRows();
    expect(records.map((r) => r.Codice)).toEqual(db.map((r) => r.code));
    for (const [i, r] of records.entries()) {
      const d = db[i]!;
      const expectTitle = /^[=+\-@]/.test(d.title) ? `'${d.title}` : d.title;
      expect(r.Titolo).toBe(expectTitle);
      expect(r['Data creazione']).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
      expect(r['Data creazione']!.slice(0, 10)).toBe(formatDateIt(d.created_at));
      expect(r['Data chiusura']).toBe(d.closed_at ? formatDateIt(d.closed_at) : '');
      expect(r.Scadenza).toBe(d.due_at ? formatDateIt(d.due_at) : '');
      expect(r.Latitudine).toBe(String(d.lat).replace('.', ','));
    }
    const byCode = new Map(records.map((r) => [r.Codice, r]));
    expect(byCode.get(codes.formula!)!.Titolo).toBe("'=SUM(A1:A9)");
    expect(byCode.get(codes.plus!)!.Titolo).toBe("'+39 numero in titolo");
    expect(byCode.get(codes.semicolon!)!.Titolo).toBe(TRICKY.semicolon);
    expect(byCode.get(codes.quotes!)!.Titolo).toBe(TRICKY.quotes);
    expect(byCode.get(codes.newline!)!.Titolo).toBe(TRICKY.newline);
    expect(byCode.get(codes.formula!)!['Email segnalatore']).toBe('g.esposito@example.it');
    // The Rome date of a summer/winter instant: midnight edges fall on the right day.
    expect(formatDateIt(Date.UTC(2026, 6, 1, 22, 30))).toBe('02/07/2026');
    expect(formatDateIt(Date.UTC(2026, 0, 1, 22, 30))).toBe('01/01/2026');
    expect(formatDateIt(Date.UTC(2026, 0, 1, 23, 30))).toBe('02/01/2026');
    expect(romeOffsetMs(Date.UTC(2026, 6, 1))).toBe(7_200_000);
    expect(csvText('-2+3')).toBe("'-2+3");
    expect(csvText(' spazio iniziale')).toBe('" spazio iniziale"');
    expect(csvText('\tcmd')).toBe("'\tcmd");
    expect(csvText('@SOMMA(1;2)')).toBe(`"'@SOMMA(1;2)"`);
    expect(csvText('normale')).toBe('normale');
  });

  it('applies the list filters and sort: only what the list shows', async () => {
    const s = await runExport(f.clerk, {
      format: 'csv',
      filters: { statuses: ['chiuso'] },
      sort: { field: 'code', dir: 'asc' },
    });
    const records = parse(readFileSync(s.path, 'utf8'), {
      bom: true,
      delimiter: ';',
      columns: true,
    }) as Record<string, string>[];
    expect(records.map((r) => r.Codice)).toEqual([codes.closed]);
    expect(records[0]!.Esito).toBe('Positivo');
    expect(s.rows).toBe(1);
    expect(s.total).toBe(1);
  });
});

describe('XLSX export', () => {
  it('has typed columns: dates are dates, coordinates are numbers', async () => {
    const s = await runExport(f.clerk, { format: 'xlsx', filters: ALL });
    expect(s.state).toBe('done');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(s.path);
    const ws = wb.getWorksheet('Segnalazioni')!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    const col = (name: string) => header.indexOf(name) + 1;
    const db = dbRows();
    expect(ws.rowCount).toBe(db.length + 1);
    for (const [i, d] of db.entries()) {
      const row = ws.getRow(i + 2);
      expect(row.getCell(col('Codice')).value).toBe(d.code);
      const created = row.getCell(col('Data creazione')).value;
      expect(created).toBeInstanceOf(Date);
      // Excel shows Rome's wall clock: the cell's UTC fields are Rome's local time.
      expect((created as Date).getTime()).toBe(d.created_at + romeOffsetMs(d.created_at));
      expect(row.getCell(col('Data creazione')).numFmt).toBe('dd/mm/yyyy hh:mm');
      expect(row.getCell(col('Latitudine')).value).toBe(d.lat);
      expect(typeof row.getCell(col('Latitudine')).value).toBe('number');
      const closed = row.getCell(col('Data chiusura')).value;
      if (d.closed_at) expect((closed as Date).getTime()).toBe(d.closed_at + romeOffsetMs(d.closed_at));
      else expect(closed).toBeNull();
      expect(row.getCell(col('Titolo')).value).toBe(d.title);
    }
  });
});

const FONTS = join(
  dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')),
  'standard_fonts/',
);

async function pdfText(file: string): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(readFileSync(file)),
    useSystemFonts: false,
    standardFontDataUrl: FONTS,
  }).promise;
  let out = '';
  for (let p = 1; p <= doc.numPages; p++) {
    const page = await doc.getPage(p);
    const tc = await page.getTextContent();
    out += tc.items.map((i) => ('str' in i ? i.str + (i.hasEOL ? '\n' : ' ') : '')).join('') + '\n';
  }
  return out.replace(/[ \t]+/g, ' ');
}

describe('PDF export', () => {
  it('the sheet of one report holds its code, title and log (Registro)', async () => {
    const id = (await w.ok<{ id: string }>('reports.openByCode', { code: codes.closed }, f.clerk)).id;
    await w.ok('reports.addNote', { id, text: 'Sopralluogo eseguito dalla squadra strade' }, f.clerk);
    const s = await runExport(f.clerk, { format: 'pdf', reportId: id });
    expect(s.state).toBe('done');
    const text = await pdfText(s.path);
    expect(text).toContain(codes.closed);
    expect(text).toContain('Segnalazione chiusa in estate');
    expect(text).toContain('Registro');
    expect(text).toContain('Sopralluogo eseguito dalla squadra strade');
    expect(text).toContain('Chiusa con esito «Positivo»');
    expect(text).toContain('Lucia Verdi');
  });

  it('the summary of a filtered list has the figures and the rows', async () => {
    const s = await runExport(f.clerk, { format: 'pdf', filters: ALL });
    const text = await pdfText(s.path);
    expect(text).toContain('Riepilogo segnalazioni');
    expect(text).toContain(`Segnalazioni: ${dbRows().length}`);
    expect(text).toContain('Chiuso: 1');
    for (const c of Object.values(codes)) expect(text).toContain(c);
  });
});

describe('export permissions and redaction', () => {
  it('a user without "vede i dati dei segnalatori" gets no reporter data in any format', async () => {
    for (const format of ['csv', 'xlsx', 'pdf'] as const) {
      const s = await runExport(f.noData, { format, filters: ALL });
      expect(s.state).toBe('done');
      let text: string;
      if (format === 'pdf') text = await pdfText(s.path);
      else if (format === 'csv') text = readFileSync(s.path, 'utf8');
      else {
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.readFile(s.path);
        text = JSON.stringify(wb.getWorksheet('Segnalazioni')!.getSheetValues());
      }
      expect(text).toContain(codes.formula);
      expect(text).not.toMatch(/Esposito|g\.esposito|0351234567|Segnalatore/);
    }
    const id = (await w.ok<{ id: string }>('reports.openByCode', { code: codes.formula }, f.clerk)).id;
    const sheet = await pdfText((await runExport(f.noData, { format: 'pdf', reportId: id })).path);
    expect(sheet).toContain(codes.formula);
    expect(sheet).not.toMatch(/Esposito|g\.esposito|0351234567/);
    expect(sheet).toContain('Dati riservati');
  });

  it("a supplier's export holds only the reports given to it", async () => {
    const s = await runExport(supplierExport, { format: 'csv', filters: ALL });
    const records = parse(readFileSync(s.path, 'utf8'), {
      bom: true,
      delimiter: ';',
      columns: true,
    }) as Record<string, string>[];
    expect(records.map((r) => r.Codice)).toEqual([codes.supplier]);
    const other = (await w.ok<{ id: string }>('reports.openByCode', { code: codes.formula }, f.clerk)).id;
    const sheet = await runExport(supplierExport, { format: 'pdf', reportId: other });
    expect(sheet.state).toBe('failed');
  });

  it('refuses users without "esportazione", and other users\' exports are invisible', async () => {
    const r = await w.core.call('exports.start', { format: 'csv' }, f.supplier);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('forbidden');
    const { exportId } = await w.ok<{ exportId: string }>(
      'exports.start',
      { format: 'csv', filters: ALL },
      f.clerk,
    );
    const peek = await w.core.call('exports.download', { exportId }, f.noData);
    expect(peek.ok).toBe(false);
    const mine = await runExportDone(exportId);
    const dl = await w.ok<{ dataBase64: string; fileName: string }>(
      'exports.download',
      { exportId },
      f.clerk,
    );
    expect(Buffer.from(dl.dataBase64, 'base64').equals(readFileSync(mine.path))).toBe(true);
    expect(dl.fileName).toMatch(/\.csv$/);
  });

  it('reports progress through events and can be cancelled', async () => {
    const events: { exportId: string; state: string }[] = [];
    const off = w.core.on('export.progress', (p) => events.push(p));
    const { exportId } = await w.ok<{ exportId: string }>(
      'exports.start',
      { format: 'csv', filters: ALL },
      f.clerk,
    );
    await w.ok('exports.cancel', { exportId }, f.clerk);
    const s = await runExportDone(exportId);
    off();
    expect(s.state).toBe('cancelled');
    expect(events.at(-1)).toMatchObject({ exportId, state: 'cancelled' });
    const done = await runExport(f.clerk, { format: 'csv', filters: ALL });
    expect(done.state).toBe('done');
  });
});

async function runExportDone(exportId: string): Promise<ExportStatus> {
  for (;;) {
    const s = await w.ok<ExportStatus>('exports.status', { exportId }, f.clerk);
    if (s.state !== 'running') return s;
    await new Promise((r) => setTimeout(r, 10));
  }
}

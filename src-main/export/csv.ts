/**
 * CSV that Italian Excel opens as it should: UTF-8 with BOM (else accents break),
 * ";" between cells (Italian Excel's list separator), CRLF, dd/mm/yyyy dates in
 * Europe/Rome and decimal commas. Text cells that a spreadsheet would run as a formula
 * (= + - @, tab, CR) get a leading apostrophe (OWASP "CSV injection").
 */
import type { Column, ExportRow } from './export-rows';
import { formatDateIt, formatDateTimeIt } from './rome-time';

export const CSV_BOM = '\uFEFF';
const QUOTE_CHARS = /[";\r\n]/;
/** Blank at a cell's edge: ASCII control/space or a no-break space. */
const blank = (c: number) => c <= 32 || c === 160;
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One text cell. The common case (no separator, quote or newline; no formula or
 * blank at either end) returns the text as is: a plain character-class scan, since
 * this runs for a dozen cells of each of a million rows.
 */
export function csvText(v: string): string {
  if (v.length === 0) return v;
  const first = v.charCodeAt(0);
  const edgy =
    first === 61 /* = */ ||
    first === 43 /* + */ ||
    first === 45 /* - */ ||
    first === 64 /* @ */ ||
    blank(first) ||
    blank(v.charCodeAt(v.length - 1));
  if (!edgy && !QUOTE_CHARS.test(v)) return v;
  let s = FORMULA_START.test(v) ? `'${v}` : v;
  if (QUOTE_CHARS.test(s) || blank(s.charCodeAt(0)) || blank(s.charCodeAt(s.length - 1)))
    s = `"${s.replace(/"/g, '""')}"`;
  return s;
}

export function csvCell(v: ExportRow[keyof ExportRow], type: Column['type']): string {
  if (v === null || v === '') return '';
  switch (type) {
    case 'date':
      return formatDateIt(v as number);
    case 'datetime':
      return formatDateTimeIt(v as number);
    case 'number':
      return String(v).replace('.', ',');
    default:
      return csvText(String(v));
  }
}

export const csvHeader = (columns: Column[]) => columns.map((c) => csvText(c.header)).join(';') + '\r\n';

export function csvLine(row: ExportRow, columns: Column[]): string {
  let s = '';
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    if (i) s += ';';
    s += csvCell(row[c.key], c.type);
  }
  return s + '\r\n';
}

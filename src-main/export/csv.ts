/**
 * CSV that Italian Excel opens as it should: UTF-8 with BOM (else accents break),
 * ";" between cells (Italian Excel's list separator), CRLF, dd/mm/yyyy dates in
 * Europe/Rome and decimal commas. Text cells that a spreadsheet would run as a formula
 * (= + - @, tab, CR) get a leading apostrophe (OWASP "CSV injection").
 */
import type { Column, ExportRow } from './export-rows';
import { formatDateIt, formatDateTimeIt } from './rome-time';

export const CSV_BOM = '\uFEFF';
const NEEDS_QUOTES = /[";\r\n]|^\s|\s$/;
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvText(v: string): string {
  let s = FORMULA_START.test(v) ? `'${v}` : v;
  if (NEEDS_QUOTES.test(s)) s = `"${s.replace(/"/g, '""')}"`;
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

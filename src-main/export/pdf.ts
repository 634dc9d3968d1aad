/**
 * PDFs with pdfkit: the sheet of one report with its log (Registro), and the summary of
 * a filtered list with its figures. Standard PDF fonts (Helvetica) cover Italian's
 * accented letters (WinAnsi), so no font file ships with the app.
 */
import PDFDocument from 'pdfkit';
import type { Writable } from 'node:stream';
import type { LogView, ReportDetail } from '../../src-shared/api';
import { STATUS_LABELS } from '../../src-shared/domain';
import { CHANNEL_LABELS, PRIORITY_LABELS, type ExportRow } from './export-rows';
import { formatDateIt, formatDateTimeIt } from './rome-time';

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** The log entry as one Italian sentence (the renderer has a richer one for the screen). */
export function logLine(e: Pick<LogView, 'action' | 'data' | 'text'>): string {
  const d = e.data ?? {};
  switch (e.action) {
    case 'created':
      return `Creata la segnalazione${str(d.code) ? ` ${str(d.code)}` : ''}`;
    case 'updated': {
      const changes = Array.isArray(d.changes) ? (d.changes as Record<string, unknown>[]) : [];
      const fields = changes.map((c) => str(c.label) ?? str(c.field) ?? 'campo').join(', ');
      return `Modificati: ${fields || 'dati'}`;
    }
    case 'status_changed':
      return `Cambiato lo stato: ${str(d.label) ?? ''}`.trim();
    case 'closed':
      return `Chiusa con esito «${str(d.outcomeLabel) ?? '—'}»${str(d.closingNote) ? `. Nota di chiusura: ${str(d.closingNote)}` : ''}`;
    case 'reopened':
      return `Riaperta${str(d.reason) ? `. Motivo: ${str(d.reason)}` : ''}`;
    case 'assigned':
      return `Assegnata a ${str(d.name) ?? (d.kind === 'group' ? 'un gruppo' : 'un utente')}`;
    case 'unassigned':
      return `Tolta l'assegnazione a ${str(d.name) ?? (d.kind === 'group' ? 'un gruppo' : 'un utente')}`;
    case 'attachment_added':
      return `Aggiunto l'allegato «${str(d.fileName) ?? ''}»`;
    case 'attachment_removed':
      return `Rimosso l'allegato «${str(d.fileName) ?? ''}»`;
    case 'reporter_added':
      return `Aggiunto un segnalatore${str(d.name) ? `: ${str(d.name)}` : ''}`;
    case 'reporter_removed':
      return `Rimosso un segnalatore${str(d.name) ? `: ${str(d.name)}` : ''}`;
    case 'note':
      return `Nota: ${e.text ?? ''}`;
    default:
      return `Operazione: ${e.action}`;
  }
}

function newDoc(out: Writable, title: string) {
  const doc = new PDFDocument({ size: 'A4', margin: 48, info: { Title: title, Creator: 'Sportello' } });
  doc.pipe(out);
  return doc;
}

function heading(doc: PDFKit.PDFDocument, text: string) {
  doc.moveDown(0.6).font('Helvetica-Bold').fontSize(12).fillColor('#1d3d66').text(text);
  doc.moveDown(0.2).font('Helvetica').fontSize(10).fillColor('#000');
}

function field(doc: PDFKit.PDFDocument, label: string, value: string) {
  doc
    .font('Helvetica-Bold')
    .text(`${label}: `, { continued: true })
    .font('Helvetica')
    .text(value || '—');
}

export function writeReportPdf(out: Writable, r: ReportDetail, municipality: string): PDFKit.PDFDocument {
  const doc = newDoc(out, `Segnalazione ${r.code}`);
  doc.font('Helvetica').fontSize(9).fillColor('#555').text(`${municipality} — Scheda della segnalazione`);
  doc.moveDown(0.3).font('Helvetica-Bold').fontSize(16).fillColor('#000').text(`${r.code} — ${r.title}`);
  doc.font('Helvetica').fontSize(10);
  heading(doc, 'Dati');
  field(doc, 'Stato', STATUS_LABELS[r.status]);
  field(doc, 'Categoria', r.categoryPath ?? '');
  field(doc, 'Canale', CHANNEL_LABELS[r.channel] ?? r.channel);
  field(doc, 'Priorità', PRIORITY_LABELS[r.priority] ?? r.priority);
  field(doc, 'Creata il', `${formatDateTimeIt(r.createdAt)} da ${r.createdByName}`);
  field(doc, 'Scadenza', r.dueAt ? formatDateIt(r.dueAt) : '');
  if (r.closedAt) field(doc, 'Chiusa il', formatDateTimeIt(r.closedAt));
  if (r.outcomeLabel) field(doc, 'Esito', r.outcomeLabel);
  if (r.closingNote) field(doc, 'Nota di chiusura', r.closingNote);
  field(doc, 'Indirizzo', r.address);
  if (r.lat != null && r.lon != null)
    field(doc, 'Coordinate', `${String(r.lat).replace('.', ',')}; ${String(r.lon).replace('.', ',')}`);
  field(doc, 'Assegnata a', r.assignments.map((a) => a.name).join(', '));
  heading(doc, 'Descrizione');
  doc.text(r.description || '—');
  heading(doc, 'Segnalatori');
  if (r.reporters.length === 0) doc.text('—');
  for (const p of r.reporters) {
    if (p.redacted) doc.text('Dati riservati');
    else doc.text([`${p.nome} ${p.cognome}`.trim(), p.email, p.telefono].filter(Boolean).join(' — '));
  }
  heading(doc, 'Registro');
  for (const e of r.log) {
    doc
      .font('Helvetica-Bold')
      .text(`${formatDateTimeIt(e.at)} — ${e.actorName}`)
      .font('Helvetica')
      .text(logLine(e), { indent: 12 })
      .moveDown(0.2);
  }
  doc.end();
  return doc;
}

export interface SummaryFigures {
  total: number;
  byStatus: { label: string; n: number }[];
  byCategory: { label: string; n: number }[];
  byChannel: { label: string; n: number }[];
  overdue: number;
}

export const SUMMARY_MAX_ROWS = 500;

export function writeSummaryPdf(
  out: Writable,
  opts: {
    municipality: string;
    filtersText: string[];
    figures: SummaryFigures;
    rows: ExportRow[];
    now: number;
  },
): PDFKit.PDFDocument {
  const doc = newDoc(out, 'Riepilogo segnalazioni');
  const { figures: f } = opts;
  doc
    .font('Helvetica')
    .fontSize(9)
    .fillColor('#555')
    .text(`${opts.municipality} — ${formatDateTimeIt(opts.now)}`);
  doc.moveDown(0.3).font('Helvetica-Bold').fontSize(16).fillColor('#000').text('Riepilogo segnalazioni');
  doc.font('Helvetica').fontSize(10);
  heading(doc, 'Filtri');
  for (const t of opts.filtersText) doc.text(t);
  heading(doc, 'Cifre');
  field(doc, 'Segnalazioni', f.total.toLocaleString('it-IT'));
  field(doc, 'Scadute (aperte oltre la scadenza)', f.overdue.toLocaleString('it-IT'));
  for (const [title, list] of [
    ['Per stato', f.byStatus],
    ['Per categoria', f.byCategory],
    ['Per canale', f.byChannel],
  ] as const) {
    heading(doc, title);
    for (const x of list) doc.text(`${x.label}: ${x.n.toLocaleString('it-IT')}`);
  }
  heading(
    doc,
    opts.rows.length < f.total
      ? `Elenco (le prime ${opts.rows.length} di ${f.total.toLocaleString('it-IT')})`
      : 'Elenco',
  );
  doc.fontSize(9);
  for (const r of opts.rows) {
    doc
      .font('Helvetica-Bold')
      .text(`${r.code}  ${formatDateIt(r.createdAt)}  ${r.status}`, { continued: true })
      .font('Helvetica')
      .text(`  ${r.title}${r.category ? ` — ${r.category}` : ''}`);
  }
  doc.end();
  return doc;
}

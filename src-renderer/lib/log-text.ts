import type { LogView } from '../../src-shared/api';
import { CHANNEL_LABELS, PRIORITY_LABELS, STATUS_LABELS } from './labels';
import { formatDateTime } from './format';

export interface LogContext {
  categoryName?: (id: string) => string | null;
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** A changed field's value as a person reads it. */
export function formatFieldValue(field: string | null, v: unknown, ctx: LogContext = {}): string {
  if (v === null || v === undefined || v === '') return '—';
  if (field === 'priority' && typeof v === 'string')
    return PRIORITY_LABELS[v as keyof typeof PRIORITY_LABELS] ?? v;
  if (field === 'channel' && typeof v === 'string')
    return CHANNEL_LABELS[v as keyof typeof CHANNEL_LABELS] ?? v;
  if (field === 'status' && typeof v === 'string') return STATUS_LABELS[v as keyof typeof STATUS_LABELS] ?? v;
  if (field === 'categoryId' && typeof v === 'string') return ctx.categoryName?.(v) ?? 'categoria rimossa';
  if (field === 'dueAt' && typeof v === 'number') return formatDateTime(v);
  if (typeof v === 'number') return String(v).replace('.', ',');
  if (typeof v === 'string') return v.length > 120 ? `${v.slice(0, 117)}…` : v;
  return JSON.stringify(v);
}

export interface LogLine {
  /** Short sentence, e.g. "Ha preso in gestione la segnalazione". */
  summary: string;
  /** Extra lines (changed fields, closing note, reason). */
  details: string[];
}

/** Italian rendering of an automatic log entry from its `action` and `data`. */
export function describeLog(entry: Pick<LogView, 'action' | 'data' | 'text'>, ctx: LogContext = {}): LogLine {
  const d = entry.data ?? {};
  switch (entry.action) {
    case 'created':
      return { summary: 'Ha creato la segnalazione', details: str(d.code) ? [`Codice ${str(d.code)}`] : [] };
    case 'updated': {
      const changes = Array.isArray(d.changes) ? (d.changes as Record<string, unknown>[]) : [];
      return {
        summary: changes.length === 1 ? 'Ha modificato un campo' : `Ha modificato ${changes.length} campi`,
        details: changes.map((c) => {
          const field = str(c.field);
          const label = str(c.label) ?? field ?? 'campo';
          // Names recorded at the time (categories) win over a lookup in today's settings.
          const before = str(c.beforeText) ?? formatFieldValue(field, c.before, ctx);
          const after = str(c.afterText) ?? formatFieldValue(field, c.after, ctx);
          return `${label}: ${before} → ${after}`;
        }),
      };
    }
    case 'status_changed':
      return { summary: `Ha cambiato lo stato: ${str(d.label) ?? ''}`.trim(), details: [] };
    case 'closed': {
      const details = [`Esito: ${str(d.outcomeLabel) ?? '—'}`];
      if (str(d.closingNote)) details.push(`Nota di chiusura: ${str(d.closingNote)}`);
      return { summary: 'Ha chiuso la segnalazione', details };
    }
    case 'reopened':
      return {
        summary: 'Ha riaperto la segnalazione',
        details: str(d.reason) ? [`Motivo: ${str(d.reason)}`] : [],
      };
    case 'assigned':
      return {
        summary: `Ha assegnato la segnalazione a ${str(d.name) ?? (d.kind === 'group' ? 'un gruppo' : 'un utente')}`,
        details: [],
      };
    case 'unassigned':
      return {
        summary: `Ha tolto l'assegnazione a ${str(d.name) ?? (d.kind === 'group' ? 'un gruppo' : 'un utente')}`,
        details: [],
      };
    case 'attachment_added':
      return { summary: `Ha aggiunto l'allegato «${str(d.fileName) ?? ''}»`, details: [] };
    case 'attachment_removed':
      return { summary: `Ha rimosso l'allegato «${str(d.fileName) ?? ''}»`, details: [] };
    case 'reporter_added':
      return { summary: 'Ha aggiunto un segnalatore', details: str(d.name) ? [str(d.name)!] : [] };
    case 'reporter_removed':
      return { summary: 'Ha rimosso un segnalatore', details: str(d.name) ? [str(d.name)!] : [] };
    case 'note':
      return { summary: 'Nota interna', details: [] };
    default:
      return { summary: `Operazione: ${entry.action}`, details: [] };
  }
}

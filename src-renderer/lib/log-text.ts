import { describeMergeLog } from './merge-log';
import type { LogView } from '../../src-shared/api';
import { CHANNEL_LABELS, PRIORITY_LABELS, STATUS_LABELS } from './labels';
import { formatDateTime } from './format';
import { describeActivityLog } from './activity-log';

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

/** The automation rule that made the entry ("by name", as the log records it), if any. */
export function ruleOf(entry: Pick<LogView, 'data'>): string | null {
  return str(entry.data?.byRule);
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
    case 'reply_sent': {
      const subject = str(d.subject)?.trim();
      const to = strings(d.to);
      const details = to.length ? [`A: ${to.join(', ')}`] : [];
      if (str(d.templateName)) details.push(`Modello: ${str(d.templateName)}`);
      const n = strings(d.attachmentIds).length;
      if (n) details.push(n === 1 ? 'Con un allegato' : `Con ${n} allegati`);
      return { summary: `Risposta inviata al cittadino${subject ? `: «${subject}»` : ''}`, details };
    }
    case 'forwarded': {
      const who = [str(d.recipientName), str(d.organisation)].filter(Boolean).join(' – ');
      const details = str(d.recipientEmail) ? [`A: ${str(d.recipientEmail)}`] : [];
      if (str(d.message)) details.push(`Messaggio: ${str(d.message)}`);
      const n = strings(d.attachmentIds).length;
      if (n) details.push(n === 1 ? 'Con un allegato' : `Con ${n} allegati`);
      if (typeof d.reportersIncluded === 'number' && d.reportersIncluded > 0)
        details.push('Con i dati dei segnalatori');
      return { summary: `Inoltrata al fornitore ${who || ''}`.trim(), details };
    }
    case 'rule_mail_requested': {
      const what: string[] = [];
      if (str(d.forwardToRecipientId)) what.push('l’inoltro al fornitore della rubrica');
      if (str(d.replyTemplateId)) what.push('la risposta ai segnalatori con un modello');
      return { summary: `Ha chiesto ${what.join(' e ') || 'un’email'}`, details: [] };
    }
    case 'activity_created':
    case 'activity_updated':
    case 'activity_status':
      return describeActivityLog(entry.action, d);
    case 'merged_into':
    case 'merged':
    case 'unmerged':
    case 'unmerged_from':
      return describeMergeLog(entry.action, d);
    case 'mail_received':
    case 'mail_in':
    case 'mail_reply_seen':
    case 'pec_receipt':
    case 'mail_bounce':
    case 'mail_feedback':
      return describeMailLog(entry.action, d);
    default:
      return { summary: `Operazione: ${entry.action}`, details: [] };
  }
}

/** "Maria Bianchi <m@x.it>", or just the address. */
function person(v: unknown): string | null {
  if (!v || typeof v !== 'object') return null;
  const p = v as Record<string, unknown>;
  const name = str(p.name)?.trim();
  const address = str(p.address)?.trim();
  if (name && address) return `${name} <${address}>`;
  return address || name || null;
}

const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The mail intake's entries (src-main/mail/intake.ts): what arrived, from whom, about what. */
function describeMailLog(action: string, d: Record<string, unknown>): LogLine {
  const subject = str(d.subject)?.trim();
  const quoted = subject ? `: «${subject}»` : '';
  const from = person(d.from);
  const details: string[] = [];
  const reporter = person(d.reporter);
  if (reporter) details.push(`Per conto di ${reporter}`);
  const pec = d.pec && typeof d.pec === 'object' ? (d.pec as Record<string, unknown>) : null;
  if (str(pec?.certifiedSender)) details.push(`Mittente certificato: ${str(pec?.certifiedSender)}`);
  if (str(pec?.identificativo)) details.push(`Identificativo PEC: ${str(pec?.identificativo)}`);
  details.push(...strings(d.notes));
  if (d.needsReview === true) details.push('Da verificare: il messaggio non è stato letto per intero.');
  switch (action) {
    case 'mail_received':
      return {
        summary: `${d.pec ? 'PEC' : 'Email'} ricevuta${from ? ` da ${from}` : ''}${quoted}`,
        details,
      };
    case 'mail_in':
      return { summary: `Risposta del cittadino${from ? ` (${from})` : ''}${quoted}`, details };
    case 'mail_reply_seen':
      return { summary: 'Ha segnato come letta la risposta del cittadino', details: [] };
    case 'pec_receipt': {
      const out: string[] = [];
      const to = strings(d.destinatari);
      if (to.length) out.push(`Destinatari: ${to.join(', ')}`);
      if (str(d.data)) out.push(`Data: ${str(d.data)}`);
      const err = str(d.errore);
      if (err && err !== 'nessuno') out.push(`Errore: ${str(d.erroreEsteso) ?? err}`);
      return { summary: `${pecReceiptLabel(d)}${quoted}`, details: out };
    }
    case 'mail_bounce': {
      const failed = strings(d.failedAddresses);
      const out = str(d.diagnostic) ? [`Motivo: ${str(d.diagnostic)}`] : [];
      return {
        summary: failed.length ? `Email non recapitata a ${failed.join(', ')}` : 'Email non recapitata',
        details: out,
      };
    }
    default:
      return {
        summary: `Avviso del server di posta${quoted}`,
        details: str(d.diagnostic) ? [str(d.diagnostic)!] : [],
      };
  }
}

/** The intake records the provider's receipt type; "consegna" reads better than its Italian label alone. */
function pecReceiptLabel(d: Record<string, unknown>): string {
  switch (str(d.type)) {
    case 'avvenuta-consegna':
      return 'Ricevuta PEC di consegna';
    case 'accettazione':
      return 'Ricevuta PEC di accettazione';
    case 'errore-consegna':
      return 'Ricevuta PEC di mancata consegna';
    default:
      return str(d.label) ?? 'Ricevuta PEC';
  }
}

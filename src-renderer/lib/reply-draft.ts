/**
 * «Rispondi», pure part: who may receive the answer, the text prefilled from a template
 * with the report's placeholders resolved, the per-citizen preview, and how the
 * outgoing emails of a report read.
 */
import type { ReportDetail } from '../../src-shared/api';
import type { OutgoingView } from '../../src-shared/api/calls-mailout';
import {
  placeholderValues,
  renderEmail,
  renderLine,
  renderText,
  type RecipientFacts,
  type RenderedEmail,
  type ReportFacts,
  type TextTemplate,
} from '../../src-shared/mail-out';

export interface ReplyRecipient extends RecipientFacts {
  reporterId: string;
  email: string;
}

/** Reporters with an email, each address once, in the report's order (as the core sends). */
export function replyRecipients(report: Pick<ReportDetail, 'reporters'>): ReplyRecipient[] {
  const seen = new Set<string>();
  const out: ReplyRecipient[] = [];
  for (const r of report.reporters) {
    const email = r.email?.trim().toLowerCase();
    if (r.redacted || !email || seen.has(email)) continue;
    seen.add(email);
    out.push({ reporterId: r.id, email, nome: r.nome, cognome: r.cognome });
  }
  return out;
}

/** The viewer lacks «vede i dati dei segnalatori»: the core picks who has an email. */
export const recipientsHidden = (report: Pick<ReportDetail, 'reporters'>) =>
  report.reporters.some((r) => r.redacted);

export function reportFacts(
  r: Pick<ReportDetail, 'code' | 'title' | 'address' | 'outcomeLabel' | 'closingNote' | 'categoryId'>,
  categoryName: (id: string) => string | null,
  ente: string,
  now: number,
): ReportFacts {
  return {
    code: r.code,
    title: r.title,
    categoryName: r.categoryId ? categoryName(r.categoryId) : null,
    address: r.address,
    outcomeLabel: r.outcomeLabel,
    closingNote: r.closingNote,
    at: now,
    ente,
  };
}

/**
 * The editable text from a template: the report's placeholders resolved. {nome} and
 * {cognome} are resolved only for a single recipient; with several they stay, and the
 * core fills them for each citizen when it writes the emails.
 */
export function prefillReply(
  t: TextTemplate,
  facts: ReportFacts,
  recipients: readonly RecipientFacts[],
): TextTemplate {
  const only = recipients.length === 1 ? recipients[0]! : null;
  const values = {
    ...placeholderValues(facts, only ?? { nome: '', cognome: '' }),
    ...(only ? {} : { nome: '{nome}', cognome: '{cognome}' }),
  };
  return { subject: renderLine(t.subject, values), body: renderText(t.body, values) };
}

/** What one citizen receives (the core renders the same, at sending time). */
export const previewReply = (draft: TextTemplate, facts: ReportFacts, to: RecipientFacts): RenderedEmail =>
  renderEmail(draft, facts, to);

export const EMAIL_STATUS_LABELS: Record<OutgoingView['status'], string> = {
  queued: 'In coda',
  sending: 'In invio',
  sent: 'Inviata',
  failed: 'Errore',
};

export const EMAIL_KIND_LABELS: Record<OutgoingView['kind'], string> = {
  receipt: 'Ricevuta',
  in_charge: 'Presa in carico',
  closure: 'Chiusura',
  reply: 'Risposta',
  forward: 'Inoltro',
  colleague: 'Avviso a un collega',
};

/** Emails that will not go out without someone's action (Riprova). */
export const failedEmails = (list: readonly OutgoingView[]) => list.filter((e) => e.status === 'failed');

/** A queued email that already failed at least once: still retried, but the reason is worth showing. */
export const retrying = (e: OutgoingView) => e.status === 'queued' && e.attempts > 0 && e.lastError !== null;

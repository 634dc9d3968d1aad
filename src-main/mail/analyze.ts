/**
 * What the intake would do with one raw message: its kind, who the citizen is, the
 * text and attachments a report gets, PEC data, the report a reply or receipt belongs
 * to. Pure apart from parsing: the CLI (`sportello mail parse`) prints exactly this.
 */
import { bounceInfo, fromSportello, machineVerdict, type BounceInfo } from './classify';
import { attachedOriginal, inlineForward } from './forward';
import { parseMail, type MailAddress, type MailAttachment, type ParsedMail } from './parse';
import { isPecServicePart, pecData, pecRole, type PecData } from './pec';
import { subjectTag, threadReportId, verifyMessageId } from './threading';

export const MAIL_KINDS = ['report', 'follow-up', 'pec-receipt', 'bounce', 'auto-reply', 'ignored'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export interface MailAnalysis {
  kind: MailKind;
  /** Why, in short English (for logs and administrators). */
  reason: string;
  channel: 'email' | 'pec';
  messageId: string | null;
  /** Who delivered the message (the outer From). */
  sender: MailAddress | null;
  /** The citizen: the author of a forwarded or certified original, else the sender. */
  reporter: MailAddress | null;
  subject: string;
  text: string;
  html: string | null;
  attachments: MailAttachment[];
  /** Italian notes for the report's log (parts left out, anomalies). */
  notes: string[];
  pec: PecData | null;
  /** The report a reply, receipt or bounce concerns: by signed Message-ID or by subject code. */
  thread: { reportId: string | null; code: string | null } | null;
  bounce: BounceInfo | null;
  /** The clerk must look at it ("da verificare"): unreadable, anomaly, no sender. */
  needsReview: boolean;
  date: number | null;
}

export interface AnalyzeOptions {
  /** Key that signs Sportello's Message-IDs (threading). */
  threadKey: Buffer;
  maxBytes?: number;
}

export async function analyzeMail(raw: Buffer, opts: AnalyzeOptions): Promise<MailAnalysis> {
  let outer: ParsedMail;
  try {
    outer = await parseMail(raw, { maxBytes: opts.maxBytes });
  } catch (e) {
    return unreadable(`parse error: ${(e as Error).message}`);
  }
  const base = {
    messageId: outer.messageId,
    sender: outer.from,
    reporter: outer.from,
    subject: outer.subject,
    text: outer.text,
    html: outer.html,
    attachments: outer.attachments,
    notes: [...outer.notes],
    pec: null as PecData | null,
    thread: null as MailAnalysis['thread'],
    bounce: null as BounceInfo | null,
    needsReview: false,
    channel: 'email' as 'email' | 'pec',
    date: outer.date,
  };
  const pec = pecRole(outer.tree);
  if (pec.role === 'receipt') {
    const data = pecData(outer.tree, pec.receipt);
    const ref = data.refMessageId ? verifyMessageId(opts.threadKey, data.refMessageId) : null;
    return {
      ...base,
      kind: 'pec-receipt',
      reason: `X-Ricevuta: ${pec.receipt}`,
      channel: 'pec',
      pec: data,
      thread: ref ? { reportId: ref, code: null } : null,
    };
  }
  let mail = outer;
  if (pec.role === 'envelope') {
    base.channel = 'pec';
    base.pec = pecData(outer.tree, pec.anomaly ? 'anomalia' : 'trasporto');
    if (pec.anomaly) {
      base.needsReview = true;
      base.notes.push(
        'Busta di anomalia PEC: il messaggio non ha superato i controlli del gestore (mittente non certificato o messaggio alterato).',
      );
    }
    if (pec.innerRaw) {
      try {
        mail = await parseMail(pec.innerRaw, { maxBytes: opts.maxBytes });
        base.subject = mail.subject;
        base.text = mail.text;
        base.html = mail.html;
        base.attachments = mail.attachments;
        base.notes.push(...mail.notes);
        base.reporter =
          mail.from ?? (base.pec.certifiedSender ? { name: '', address: base.pec.certifiedSender } : null);
      } catch {
        base.needsReview = true;
        base.notes.push(
          'Il messaggio originale (postacert.eml) non è leggibile: è allegato alla segnalazione.',
        );
      }
    } else {
      base.attachments = outer.attachments.filter((a) => !isPecServicePart(a.fileName));
    }
    if (base.pec.certifiedSender && base.reporter?.address !== base.pec.certifiedSender && !mail.from) {
      base.reporter = { name: '', address: base.pec.certifiedSender };
    }
  }
  if (fromSportello(mail.tree)) return { ...base, kind: 'ignored', reason: 'sent by Sportello itself' };
  const verdict = machineVerdict(mail.tree, mail.subject, mail.text);
  if (verdict) {
    const info = verdict.kind === 'bounce' ? bounceInfo(mail.tree, mail.text, verdict.reason) : null;
    const refs = [info?.originalMessageId, ...mail.inReplyTo, ...mail.references].filter(
      (x): x is string => !!x,
    );
    const reportId = threadReportId(opts.threadKey, refs);
    return {
      ...base,
      kind: verdict.kind,
      reason: verdict.reason,
      bounce: info,
      thread: reportId ? { reportId, code: null } : null,
    };
  }
  if (pec.role === 'none') {
    const original = attachedOriginal(mail.tree, mail.subject, mail.text);
    if (original) {
      try {
        const inner = await parseMail(original, { maxBytes: opts.maxBytes });
        if (inner.from && inner.from.address !== mail.from?.address) {
          base.reporter = inner.from;
          base.notes.push(`Messaggio inoltrato da ${mail.from?.address ?? 'mittente sconosciuto'}.`);
        }
      } catch {
        // The attachment stays; the sender remains the reporter.
      }
    } else {
      const fwd = inlineForward(mail.subject, mail.text);
      if (fwd && fwd.from.address !== mail.from?.address) {
        base.reporter = fwd.from;
        base.notes.push(`Messaggio inoltrato da ${mail.from?.address ?? 'mittente sconosciuto'}.`);
        if (fwd.subject) base.subject = fwd.subject;
      }
    }
  }
  if (!base.reporter) {
    base.needsReview = true;
    base.notes.push('Il messaggio non indica un mittente leggibile.');
  }
  const reportId = threadReportId(opts.threadKey, [...mail.inReplyTo, ...mail.references]);
  const code = subjectTag(mail.subject);
  if (reportId || code) {
    return {
      ...base,
      kind: 'follow-up',
      reason: reportId ? 'reply to a Sportello Message-ID' : 'report code in the subject',
      thread: { reportId, code },
    };
  }
  return {
    ...base,
    kind: 'report',
    reason: pec.role === 'envelope' ? 'PEC transport envelope' : 'ordinary mail',
  };
}

/** A message nothing could read: still a report, flagged for review, raw message attached. */
export function unreadable(reason: string): MailAnalysis {
  return {
    kind: 'report',
    reason,
    channel: 'email',
    messageId: null,
    sender: null,
    reporter: null,
    subject: 'Messaggio email non leggibile',
    text: '',
    html: null,
    attachments: [],
    notes: ['Il messaggio non è stato interpretato: il file originale (.eml) è allegato.'],
    pec: null,
    thread: null,
    bounce: null,
    needsReview: true,
    date: null,
  };
}

/**
 * One message in, exactly one effect out: a new report, a follow-up on an existing
 * one, a receipt or bounce logged on the report it concerns — or nothing, for machine
 * mail. Files are stored first (by hash: storing twice is harmless), then one mutation
 * commits everything; the message is recorded as handled only after that commit, and a
 * repeated intake (restart, another PC, a UIDVALIDITY resync) hits the deterministic ids.
 */
import { createHash } from 'node:crypto';
import { DomainError } from '../../src-shared/domain';
import { MAIL_INTAKE_ACTOR } from '../../src-shared/domain/mutations/mail';
import type { CoreServices } from '../core/context';
import { analyzeMail, unreadable, type MailAnalysis, type MailKind } from './analyze';
import { attachmentIdOf, mailKeyOf, reporterIdOf, reportIdOf } from './identity';
import {
  handledMessage,
  inboxCategoryId,
  recordMessage,
  reportExists,
  reportIdByCode,
  reportReporterEmails,
} from './mail-repo';
import { DEFAULT_MAIL_MAX_BYTES } from './parse';
import { PEC_RECEIPT_LABELS } from './pec';

export type IngestOutcome = 'created' | 'follow-up' | 'notice' | 'duplicate' | 'skipped';

export interface IngestResult {
  outcome: IngestOutcome;
  kind: MailKind;
  reportId: string | null;
  code: string | null;
  mailKey: string;
}

export interface IntakeDeps {
  services: Pick<CoreServices, 'db' | 'store' | 'files' | 'clock'>;
  threadKey: Buffer;
  maxBytes?: number;
}

type AttachmentMeta = {
  id: string;
  sha256: string;
  fileName: string;
  mime: string;
  size: number;
  hasThumb: boolean;
};

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export function createMailIntake(deps: IntakeDeps) {
  const { db, store, files, clock } = deps.services;
  const maxBytes = deps.maxBytes ?? DEFAULT_MAIL_MAX_BYTES;

  /** The original .eml (index 0, the dedup key), the sanitised HTML, then the attachments. */
  async function storeFiles(
    raw: Buffer,
    a: MailAnalysis,
    mailKey: string,
    notes: string[],
  ): Promise<AttachmentMeta[]> {
    const out: AttachmentMeta[] = [];
    const put = async (index: number, fileName: string, mime: string, data: Buffer) => {
      const { sha256: sha, hasThumb } = await files.put(data, mime);
      out.push({
        id: attachmentIdOf(mailKey, index),
        sha256: sha,
        fileName,
        mime,
        size: data.length,
        hasThumb,
      });
    };
    let eml = raw;
    if (raw.length > maxBytes) {
      // Too big to keep whole: the headers still tell where it came from.
      const end = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
      eml = raw.subarray(0, end >= 0 ? end : Math.min(raw.length, 64 * 1024));
      notes.push(
        'Il messaggio originale supera il limite di dimensione: è conservata solo la sua intestazione.',
      );
    }
    await put(
      0,
      eml === raw ? 'messaggio-originale.eml' : 'messaggio-originale-intestazione.eml',
      'message/rfc822',
      eml,
    );
    if (a.html) await put(1, 'messaggio.html', 'text/html', Buffer.from(a.html, 'utf8'));
    let i = 2;
    for (const att of a.attachments) await put(i++, att.fileName, att.mime, att.content);
    return out;
  }

  function mailMeta(mailboxId: string, a: MailAnalysis, notes: string[]) {
    return {
      mailboxId,
      messageId: a.messageId,
      from: a.sender,
      reporter: a.reporter && a.reporter.address !== a.sender?.address ? a.reporter : null,
      subject: a.subject.slice(0, 2000),
      date: a.date,
      pec: a.pec ? { ...a.pec } : null,
      notes: notes.slice(0, 50),
      needsReview: a.needsReview,
    };
  }

  /** The report a reply belongs to: a signed Message-ID, or a code tag from one of its reporters. */
  function followUpTarget(a: MailAnalysis): string | null {
    let id = a.thread?.reportId ?? null;
    if (!id && a.thread?.code) {
      const byCode = reportIdByCode(db, a.thread.code);
      const who = [a.sender?.address, a.reporter?.address].filter(Boolean);
      // Anyone can type a code in a subject: only the report's own citizens thread by it.
      if (byCode && reportReporterEmails(db, byCode).some((e) => who.includes(e))) id = byCode;
    }
    for (let hops = 0; id && hops < 5; hops++) {
      const r = reportExists(db, id);
      if (!r) return null;
      if (!r.mergedInto) return r.id;
      id = r.mergedInto;
    }
    return null;
  }

  async function ingest(raw: Buffer, source: { mailboxId: string }): Promise<IngestResult> {
    let a: MailAnalysis;
    try {
      a = await analyzeMail(raw, { threadKey: deps.threadKey, maxBytes });
    } catch (e) {
      a = unreadable(`analysis failed: ${(e as Error).message}`);
    }
    const { mailboxId } = source;
    const mailKey = mailKeyOf(mailboxId, a.messageId, sha256(raw));
    const seen = handledMessage(db, mailboxId, mailKey);
    if (seen) return { outcome: 'duplicate', kind: a.kind, reportId: seen.reportId, code: null, mailKey };
    const done = (
      outcome: IngestOutcome,
      reportId: string | null,
      code: string | null = null,
    ): IngestResult => {
      recordMessage(db, { mailboxId, mailKey, messageId: a.messageId, kind: a.kind, reportId, at: clock() });
      return { outcome, kind: a.kind, reportId, code, mailKey };
    };
    const notes = [...a.notes];
    try {
      if (a.kind === 'pec-receipt' || a.kind === 'bounce') {
        const target = a.thread?.reportId ? followUpTarget(a) : null;
        if (!target) return done('skipped', null);
        const [eml] = await storeFiles(raw, { ...a, html: null, attachments: [] }, mailKey, notes);
        const data =
          a.kind === 'pec-receipt'
            ? { ...a.pec, label: PEC_RECEIPT_LABELS[a.pec?.type ?? ''] ?? 'Ricevuta PEC', subject: a.subject }
            : {
                ...a.bounce,
                failedAddresses: a.bounce?.failure ? a.bounce.recipients : [],
                subject: a.subject,
                reason: a.reason,
              };
        const notice =
          a.kind === 'pec-receipt' ? 'pec_receipt' : a.bounce?.failure ? 'mail_bounce' : 'mail_feedback';
        store.mutate(
          'report.mailNotice',
          { reportId: target, notice, attachment: eml, data },
          MAIL_INTAKE_ACTOR,
        );
        return done('notice', target);
      }
      if (a.kind === 'auto-reply' || a.kind === 'ignored') return done('skipped', null);
      const target = a.kind === 'follow-up' ? followUpTarget(a) : null;
      const attachments = await storeFiles(raw, a, mailKey, notes);
      if (target) {
        store.mutate(
          'report.mailFollowUp',
          {
            reportId: target,
            text: a.text.slice(0, 20_000),
            attachments,
            mail: mailMeta(mailboxId, a, notes),
          },
          MAIL_INTAKE_ACTOR,
        );
        return done('follow-up', target);
      }
      const id = reportIdOf(mailKey);
      const description = [a.text, ...notes.map((n) => `[${n}]`)]
        .filter(Boolean)
        .join('\n\n')
        .slice(0, 20_000);
      const out = store.mutate(
        'report.receiveMail',
        {
          id,
          channel: a.channel,
          title: titleOf(a),
          description,
          categoryId: inboxCategoryId(db),
          reporter: reporterOf(a),
          attachments,
          mail: mailMeta(mailboxId, a, notes),
        },
        MAIL_INTAKE_ACTOR,
      );
      return done('created', id, (out.value as { code: string }).code);
    } catch (e) {
      if (e instanceof DomainError && e.code === 'conflict') {
        // Another PC, or this one before a crash, already committed it.
        return done('duplicate', a.kind === 'report' ? reportIdOf(mailKey) : null);
      }
      throw e;
    }
  }

  return { ingest };
}

export type MailIntake = ReturnType<typeof createMailIntake>;

function titleOf(a: MailAnalysis): string {
  const s = a.subject.replace(/^\s*((re|r|fwd?|fw|i|tr)\s*:\s*)+/i, '').trim() || 'Messaggio senza oggetto';
  const t = a.needsReview ? `[Da verificare] ${s}` : s;
  return t.length > 200 ? t.slice(0, 199) + '…' : t;
}

function reporterOf(a: MailAnalysis) {
  const r = a.reporter;
  if (!r || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(r.address) || r.address.length > 254) return null;
  const name = r.name.replace(/["']/g, '').trim();
  const words = name && !name.includes('@') ? name.split(/\s+/) : [];
  return {
    reporterId: reporterIdOf(r.address),
    email: r.address,
    nome: (words.length > 1 ? words.slice(0, -1).join(' ') : (words[0] ?? '')).slice(0, 100),
    cognome: (words.length > 1 ? words[words.length - 1]! : '').slice(0, 100),
  };
}

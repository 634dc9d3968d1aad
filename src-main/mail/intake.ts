/**
 * One message in, exactly one effect out: a new report, a follow-up on an existing
 * one, a receipt or bounce logged on the report it concerns — or nothing, for machine
 * mail. Files are stored first (by hash: storing twice is harmless), then one mutation
 * commits everything together with the row that records the message as handled; a
 * repeated intake (restart, another PC, a UIDVALIDITY resync) hits the deterministic ids.
 * `prepare` (async: parse, store files) and `commit` (sync) are separate so the IMAP
 * source can commit a group of messages in one SQLite transaction.
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

type MutationArgs = Record<string, unknown>;

/** A parsed message whose files are stored, waiting for its (synchronous) commit. */
export interface PreparedMail {
  mailboxId: string;
  mailKey: string;
  messageId: string | null;
  kind: MailKind;
  step:
    | { type: 'seen'; reportId: string | null }
    | { type: 'skip' }
    | { type: 'notice' | 'follow-up' | 'create'; reportId: string; args: MutationArgs };
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
    const put = async (index: number, fileName: string, mime: string, data: Buffer, known?: string) => {
      const { sha256: sha, hasThumb } = await files.put(data, mime, known);
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
    for (const att of a.attachments) await put(i++, att.fileName, att.mime, att.content, att.sha256);
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
  function followUpTarget(a: MailAnalysis, pending: ReadonlySet<string>): string | null {
    let id = a.thread?.reportId ?? null;
    // Created by a message of the same commit group, not yet in the database.
    if (id && pending.has(id)) return id;
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

  /**
   * The slow, asynchronous half: parse, decide, store the files (by hash: storing twice
   * is harmless). Writes nothing to the database; the caller commits the result.
   */
  async function prepare(
    raw: Buffer,
    source: { mailboxId: string },
    /** Reports that prepared messages not yet committed will create. */
    pending: ReadonlySet<string> = new Set(),
  ): Promise<PreparedMail> {
    let a: MailAnalysis;
    try {
      a = await analyzeMail(raw, { threadKey: deps.threadKey, maxBytes });
    } catch (e) {
      a = unreadable(`analysis failed: ${(e as Error).message}`);
    }
    const { mailboxId } = source;
    // The bytes' hash only names messages without a Message-ID.
    const mailKey = mailKeyOf(mailboxId, a.messageId, a.messageId ? '' : sha256(raw));
    const base = { mailboxId, mailKey, messageId: a.messageId, kind: a.kind };
    const seen = handledMessage(db, mailboxId, mailKey);
    if (seen) return { ...base, step: { type: 'seen', reportId: seen.reportId } };
    const notes = [...a.notes];
    if (a.kind === 'pec-receipt' || a.kind === 'bounce') {
      const target = a.thread?.reportId ? followUpTarget(a, pending) : null;
      if (!target) return { ...base, step: { type: 'skip' } };
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
      return {
        ...base,
        step: { type: 'notice', reportId: target, args: { reportId: target, notice, attachment: eml, data } },
      };
    }
    if (a.kind === 'auto-reply' || a.kind === 'ignored') return { ...base, step: { type: 'skip' } };
    const target = a.kind === 'follow-up' ? followUpTarget(a, pending) : null;
    const attachments = await storeFiles(raw, a, mailKey, notes);
    if (target) {
      const args = {
        reportId: target,
        text: a.text.slice(0, 20_000),
        attachments,
        mail: mailMeta(mailboxId, a, notes),
      };
      return { ...base, step: { type: 'follow-up', reportId: target, args } };
    }
    const id = reportIdOf(mailKey);
    const description = [a.text, ...notes.map((n) => `[${n}]`)].filter(Boolean).join('\n\n').slice(0, 20_000);
    const args = {
      id,
      channel: a.channel,
      title: titleOf(a),
      description,
      categoryId: inboxCategoryId(db),
      reporter: reporterOf(a),
      attachments,
      mail: mailMeta(mailboxId, a, notes),
    };
    return { ...base, step: { type: 'create', reportId: id, args } };
  }

  /** The mutation and the bookkeeping row of one prepared message, in the caller's transaction. */
  function apply(p: PreparedMail): IngestResult {
    const result = (outcome: IngestOutcome, reportId: string | null, code: string | null = null) => {
      recordMessage(db, {
        mailboxId: p.mailboxId,
        mailKey: p.mailKey,
        messageId: p.messageId,
        kind: p.kind,
        reportId,
        at: clock(),
      });
      return { outcome, kind: p.kind, reportId, code, mailKey: p.mailKey };
    };
    const { step } = p;
    switch (step.type) {
      case 'seen':
        return {
          outcome: 'duplicate',
          kind: p.kind,
          reportId: step.reportId,
          code: null,
          mailKey: p.mailKey,
        };
      case 'skip':
        return result('skipped', null);
      case 'notice':
        store.mutate('report.mailNotice', step.args, MAIL_INTAKE_ACTOR);
        return result('notice', step.reportId);
      case 'follow-up':
        store.mutate('report.mailFollowUp', step.args, MAIL_INTAKE_ACTOR);
        return result('follow-up', step.reportId);
      case 'create': {
        const out = store.mutate('report.receiveMail', step.args, MAIL_INTAKE_ACTOR);
        return result('created', step.reportId, (out.value as { code: string }).code);
      }
    }
  }

  /**
   * Commits one prepared message: its effect and its bookkeeping row together, or
   * neither. Synchronous, so many can share one SQLite transaction (commitAll).
   */
  function commit(p: PreparedMail): IngestResult {
    try {
      return db.transaction(() => apply(p))();
    } catch (e) {
      if (e instanceof DomainError && e.code === 'conflict') {
        // Another PC, or this one before a crash, already committed it.
        const reportId = p.kind === 'report' ? reportIdOf(p.mailKey) : null;
        recordMessage(db, { ...p, reportId, at: clock() });
        return { outcome: 'duplicate', kind: p.kind, reportId, code: null, mailKey: p.mailKey };
      }
      throw e;
    }
  }

  /**
   * Many prepared messages in ONE SQLite transaction (one fsync instead of one each),
   * each in its own savepoint: a message whose mutation fails is rolled back alone and
   * answered with its error, the others commit.
   */
  function commitAll(ps: PreparedMail[]): (IngestResult | Error)[] {
    return db.transaction(() =>
      ps.map((p) => {
        try {
          return commit(p);
        } catch (e) {
          return e instanceof Error ? e : new Error(String(e));
        }
      }),
    )();
  }

  async function ingest(raw: Buffer, source: { mailboxId: string }): Promise<IngestResult> {
    return commit(await prepare(raw, source));
  }

  return { ingest, prepare, commit, commitAll };
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

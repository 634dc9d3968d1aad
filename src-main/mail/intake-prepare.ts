/**
 * The storage-agnostic half of the intake: parse a message, decide what it becomes (a
 * new report, a follow-up, a notice on a report, nothing) and store its files. It reads
 * what it needs through MailLookup, so the same decisions run on a PC (SQLite, intake.ts)
 * and on the sync server (its row store, src-server/mail-intake/sink.ts); the ids it
 * derives from the mailbox and the message are the same wherever it runs.
 */
import { createHash } from 'node:crypto';
import { analyzeMail, unreadable, type MailAnalysis, type MailKind } from './analyze';
import { attachmentIdOf, mailKeyOf, reporterIdOf, reportIdOf } from './identity';
import { DEFAULT_MAIL_MAX_BYTES } from './parse';
import { PEC_RECEIPT_LABELS } from './pec';

export type IngestOutcome = 'created' | 'follow-up' | 'notice' | 'duplicate' | 'skipped' | 'parked';

/** Where a message comes from; `review`: new reports wait in the review inbox. */
export interface MailSource {
  mailboxId: string;
  /** What the message's identity is derived from (mailboxIdentity); default mailboxId. */
  identity?: string;
  review?: boolean;
}

export interface IngestResult {
  outcome: IngestOutcome;
  kind: MailKind;
  reportId: string | null;
  code: string | null;
  mailKey: string;
}

type MutationArgs = Record<string, unknown>;

/** A parsed message whose files are stored, waiting for its commit. */
export interface PreparedMail {
  mailboxId: string;
  mailKey: string;
  messageId: string | null;
  kind: MailKind;
  step:
    | { type: 'seen'; reportId: string | null }
    | { type: 'skip' }
    | { type: 'notice' | 'follow-up' | 'create' | 'park'; reportId: string; args: MutationArgs };
}

/**
 * A message whose fate is decided and whose files are being written: `creates` is the
 * report it will create (so the next messages of the same commit group can thread onto
 * it), `ready` resolves once every file is stored. Parsing the next message goes on
 * while the disk works; nothing may be committed before `ready`.
 */
export interface StagedMail {
  creates: string | null;
  /** Bytes held until the files are written (the caller bounds how many are in flight). */
  bytes: number;
  ready: Promise<PreparedMail>;
}

type Awaitable<T> = T | Promise<T>;

/** The reads the decision needs, from whatever holds the reports. */
export interface MailLookup {
  handled(mailboxId: string, mailKey: string): Awaitable<{ reportId: string | null } | null>;
  reportIdByCode(code: string): Awaitable<string | null>;
  reportReporterEmails(reportId: string): Awaitable<string[]>;
  reportExists(id: string): Awaitable<{ id: string; mergedInto: string | null } | null>;
  inboxCategoryId(): Awaitable<string | null>;
}

/** Where attachment bytes go (by hash: storing twice is harmless). */
export interface MailFileStore {
  put(data: Buffer, mime: string, knownSha256?: string): Promise<{ sha256: string; hasThumb: boolean }>;
}

/** The mutation a prepared step commits, with the intake's system actor. */
export const STEP_MUTATION = {
  notice: 'report.mailNotice',
  'follow-up': 'report.mailFollowUp',
  create: 'report.receiveMail',
} as const;

export interface PreparerDeps {
  lookup: MailLookup;
  files: MailFileStore;
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

export function createMailPreparer(deps: PreparerDeps) {
  const { lookup, files } = deps;
  const maxBytes = deps.maxBytes ?? DEFAULT_MAIL_MAX_BYTES;

  /**
   * The original .eml (index 0, the dedup key), the sanitised HTML, then the attachments.
   * All the files of a message are written at once (the store writes off the main thread);
   * the notes are complete when this returns, the files when the promise resolves.
   */
  function storeFiles(
    raw: Buffer,
    a: MailAnalysis,
    mailKey: string,
    notes: string[],
  ): { bytes: number; stored: Promise<AttachmentMeta[]> } {
    const out: Promise<AttachmentMeta>[] = [];
    let bytes = 0;
    const put = (index: number, fileName: string, mime: string, data: Buffer, known?: string) => {
      bytes += data.length;
      out.push(
        files.put(data, mime, known).then(({ sha256: sha, hasThumb }) => ({
          id: attachmentIdOf(mailKey, index),
          sha256: sha,
          fileName,
          mime,
          size: data.length,
          hasThumb,
        })),
      );
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
    put(
      0,
      eml === raw ? 'messaggio-originale.eml' : 'messaggio-originale-intestazione.eml',
      'message/rfc822',
      eml,
    );
    if (a.html) put(1, 'messaggio.html', 'text/html', Buffer.from(a.html, 'utf8'));
    let i = 2;
    for (const att of a.attachments) put(i++, att.fileName, att.mime, att.content, att.sha256);
    const stored = Promise.all(out);
    // Every write runs to its end before the group reacts, even when one fails.
    stored.catch(() => undefined);
    return { bytes, stored };
  }

  /** The report a reply belongs to: a signed Message-ID, or a code tag from one of its reporters. */
  async function followUpTarget(a: MailAnalysis, pending: ReadonlySet<string>): Promise<string | null> {
    let id = a.thread?.reportId ?? null;
    // Created by a message of the same commit group, not yet in the database.
    if (id && pending.has(id)) return id;
    if (!id && a.thread?.code) {
      const byCode = await lookup.reportIdByCode(a.thread.code);
      const who = [a.sender?.address, a.reporter?.address].filter(Boolean);
      // Anyone can type a code in a subject: only the report's own citizens thread by it.
      if (byCode && (await lookup.reportReporterEmails(byCode)).some((e) => who.includes(e))) id = byCode;
    }
    for (let hops = 0; id && hops < 5; hops++) {
      const r = await lookup.reportExists(id);
      if (!r) return null;
      if (!r.mergedInto) return r.id;
      id = r.mergedInto;
    }
    return null;
  }

  /**
   * Parse, decide, start storing the files. Writes no report: the caller commits the
   * result once `ready` resolves. `pending`: reports that staged messages not yet
   * committed will create.
   */
  async function stage(
    raw: Buffer,
    source: MailSource,
    pending: ReadonlySet<string> = new Set(),
  ): Promise<StagedMail> {
    const done = (p: PreparedMail, bytes = 0): StagedMail => ({
      creates: p.step.type === 'create' ? p.step.reportId : null,
      bytes,
      ready: Promise.resolve(p),
    });
    let a: MailAnalysis;
    try {
      a = await analyzeMail(raw, { threadKey: deps.threadKey, maxBytes });
    } catch (e) {
      a = unreadable(`analysis failed: ${(e as Error).message}`);
    }
    const { mailboxId } = source;
    // The bytes' hash only names messages without a Message-ID.
    const mailKey = mailKeyOf(source.identity ?? mailboxId, a.messageId, a.messageId ? '' : sha256(raw));
    const base = { mailboxId, mailKey, messageId: a.messageId, kind: a.kind };
    const seen = await lookup.handled(mailboxId, mailKey);
    if (seen) return done({ ...base, step: { type: 'seen', reportId: seen.reportId } });
    const notes = [...a.notes];
    if (a.kind === 'pec-receipt' || a.kind === 'bounce') {
      const target = a.thread?.reportId ? await followUpTarget(a, pending) : null;
      if (!target) return done({ ...base, step: { type: 'skip' } });
      const files = storeFiles(raw, { ...a, html: null, attachments: [] }, mailKey, notes);
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
        creates: null,
        bytes: files.bytes,
        ready: files.stored.then(([eml]) => ({
          ...base,
          step: {
            type: 'notice',
            reportId: target,
            args: { reportId: target, notice, attachment: eml, data },
          },
        })),
      };
    }
    if (a.kind === 'auto-reply' || a.kind === 'ignored') return done({ ...base, step: { type: 'skip' } });
    const target = a.kind === 'follow-up' ? await followUpTarget(a, pending) : null;
    const files = storeFiles(raw, a, mailKey, notes);
    if (target) {
      const text = a.text.slice(0, 20_000);
      const mail = mailMeta(mailboxId, a, notes);
      return {
        creates: null,
        bytes: files.bytes,
        ready: files.stored.then((attachments) => ({
          ...base,
          step: { type: 'follow-up', reportId: target, args: { reportId: target, text, attachments, mail } },
        })),
      };
    }
    const id = reportIdOf(mailKey);
    const description = [a.text, ...notes.map((n) => `[${n}]`)].filter(Boolean).join('\n\n').slice(0, 20_000);
    const fields = {
      id,
      channel: a.channel,
      title: titleOf(a),
      description,
      categoryId: await lookup.inboxCategoryId(),
      reporter: reporterOf(a),
    };
    const mail = mailMeta(mailboxId, a, notes);
    // The review inbox: the report waits, parked, for a clerk to confirm it.
    const type = source.review ? 'park' : 'create';
    return {
      creates: type === 'create' ? id : null,
      bytes: files.bytes,
      ready: files.stored.then((attachments) => ({
        ...base,
        step: { type, reportId: id, args: { ...fields, attachments, mail } },
      })),
    };
  }

  /** Parse, decide, store the files (stage, then wait for the disk). */
  async function prepare(
    raw: Buffer,
    source: MailSource,
    pending: ReadonlySet<string> = new Set(),
  ): Promise<PreparedMail> {
    return (await stage(raw, source, pending)).ready;
  }

  return { prepare, stage };
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

/**
 * One message in, exactly one effect out: a new report, a follow-up on an existing
 * one, a receipt or bounce logged on the report it concerns — or nothing, for machine
 * mail. Files are stored first (by hash: storing twice is harmless), then one mutation
 * commits everything together with the row that records the message as handled; a
 * repeated intake (restart, another PC, a UIDVALIDITY resync) hits the deterministic ids.
 * `prepare` (async: parse, store files) and `commit` (sync) are separate so the IMAP
 * source can commit a group of messages in one SQLite transaction; `stage` returns as
 * soon as the files are being written, so the next message is parsed meanwhile.
 */
import { DomainError } from '../../src-shared/domain';
import { MAIL_INTAKE_ACTOR } from '../../src-shared/domain/mutations/mail';
import type { CoreServices } from '../core/context';
import { reportIdOf } from './identity';
import {
  createMailPreparer,
  type IngestOutcome,
  type IngestResult,
  type MailSource,
  type PreparedMail,
} from './intake-prepare';
import {
  handledMessage,
  inboxCategoryId,
  recordMessage,
  reportExists,
  reportIdByCode,
  reportReporterEmails,
} from './mail-repo';
import { parkMessage } from './review-repo';

export type { IngestOutcome, IngestResult, MailSource, PreparedMail, StagedMail } from './intake-prepare';

export interface IntakeDeps {
  services: Pick<CoreServices, 'db' | 'store' | 'files' | 'clock'>;
  threadKey: Buffer;
  maxBytes?: number;
}

export function createMailIntake(deps: IntakeDeps) {
  const { db, store, files, clock } = deps.services;
  /** Parse and decide (intake-prepare.ts), reading this PC's SQLite. */
  const { prepare, stage } = createMailPreparer({
    threadKey: deps.threadKey,
    maxBytes: deps.maxBytes,
    files,
    lookup: {
      handled: (mailboxId, mailKey) => handledMessage(db, mailboxId, mailKey),
      reportIdByCode: (code) => reportIdByCode(db, code),
      reportReporterEmails: (id) => reportReporterEmails(db, id),
      reportExists: (id) => reportExists(db, id),
      inboxCategoryId: () => inboxCategoryId(db),
    },
  });

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
      case 'park':
        // A report that exists already (another PC confirmed it) needs no review.
        if (reportExists(db, step.reportId)) return result('duplicate', step.reportId);
        parkMessage(db, {
          mailboxId: p.mailboxId,
          mailKey: p.mailKey,
          reportId: step.reportId,
          receivedAt: clock(),
          args: step.args,
        });
        return result('parked', step.reportId);
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

  async function ingest(raw: Buffer, source: MailSource): Promise<IngestResult> {
    return commit(await prepare(raw, source));
  }

  return { ingest, prepare, stage, commit, commitAll };
}

export type MailIntake = ReturnType<typeof createMailIntake>;

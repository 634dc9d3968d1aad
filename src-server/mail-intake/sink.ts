/**
 * The sync server's end of the mail intake: the same decisions as on a PC
 * (src-main/mail/intake-prepare.ts), read from the server's row store, and the same
 * mail mutations applied in the server's writer transaction with the intake's system
 * actor (the log shows the report as arrived by email). Attachments and the .eml go to
 * the blob store; the handled message is recorded in `mail_messages` in the same
 * transaction as its report, which commits before the IMAP source moves or flags it.
 *
 * A mailbox with the review inbox on parks would-be reports in `mail_review` (review.ts),
 * in the same transaction; follow-ups, receipts and bounces are never parked (the step
 * intake-prepare.ts decides, as on a PC).
 *
 * A message another node already turned into a report (a PC before it synced, another
 * server process) meets its deterministic ids: the create is refused with 'conflict' and
 * recorded here as a duplicate, never a second report.
 */
import { MAIL_INTAKE_ACTOR } from '../../src-shared/domain/mutations/mail';
import { reportIdOf } from '../../src-main/mail/identity';
import {
  createMailPreparer,
  STEP_MUTATION,
  type IngestOutcome,
  type IngestResult,
  type MailLookup,
  type PreparedMail,
} from '../../src-main/mail/intake-prepare';
import type { FolderStore, MailSink } from '../../src-main/mail/imap-source';
import { withWriter, type AppliedHook } from '../apply';
import { sha256Of, storeBlob } from '../blobs';
import type { Queryable, Storage } from '../storage/storage';
import { parkWrite, type ParkedMail } from './review';

export interface ServerSinkDeps {
  storage: Storage;
  clock: () => number;
  threadKey: Buffer;
  maxBytes?: number;
  /** The server's push hook (mail-out): a report from mail may queue a receipt. */
  onApplied?: AppliedHook;
  /** After a commit that wrote rows: poke the replicas. */
  onCommitted?: (newVersion: number) => void;
}

export function serverMailLookup(q: Queryable): MailLookup {
  return {
    async handled(mailboxId, mailKey) {
      const [r] = await q.query<{ report_id: string | null }>(
        'SELECT report_id FROM mail_messages WHERE mailbox_id = $1 AND mail_key = $2',
        [mailboxId, mailKey],
      );
      return r ? { reportId: r.report_id } : null;
    },
    async reportIdByCode(code) {
      const [r] = await q.query<{ id: string }>(
        `SELECT key AS id FROM sync_rows WHERE tbl = 'reports' AND NOT deleted AND data->>'code' = $1
         UNION ALL
         SELECT data->>'reportId' FROM sync_rows WHERE tbl = 'report_codes' AND key = $1 AND NOT deleted
         LIMIT 1`,
        [code],
      );
      return r?.id ?? null;
    },
    async reportReporterEmails(reportId) {
      const rows = await q.query<{ email: string }>(
        `SELECT lower(p.data->>'email') AS email
           FROM sync_rows rr JOIN sync_rows p ON p.tbl = 'reporters' AND p.key = rr.data->>'reporterId'
          WHERE rr.tbl = 'report_reporters' AND rr.owner = $1 AND NOT rr.deleted AND NOT p.deleted
            AND p.data->>'email' IS NOT NULL`,
        [reportId],
      );
      return rows.map((r) => r.email);
    },
    async reportExists(id) {
      const [r] = await q.query<{ merged: string | null }>(
        `SELECT data->>'mergedInto' AS merged FROM sync_rows WHERE tbl = 'reports' AND key = $1 AND NOT deleted`,
        [id],
      );
      return r ? { id, mergedInto: r.merged ?? null } : null;
    },
    async inboxCategoryId() {
      const [r] = await q.query<{ id: string }>(
        `SELECT key AS id FROM sync_rows WHERE tbl = 'categories' AND NOT deleted
            AND lower(data->>'name') = 'da classificare' AND (data->>'active')::boolean LIMIT 1`,
      );
      return r?.id ?? null;
    },
  };
}

/** Folder positions in `mail_folder_state`. */
export function serverFolders(q: Queryable): FolderStore {
  return {
    async get(mailboxId, folder) {
      const [r] = await q.query<{ uid_validity: string; last_uid: number }>(
        'SELECT uid_validity, last_uid FROM mail_folder_state WHERE mailbox_id = $1 AND folder = $2',
        [mailboxId, folder],
      );
      return r ? { uidValidity: r.uid_validity, lastUid: Number(r.last_uid) } : null;
    },
    async save(mailboxId, folder, s, at) {
      await q.query(
        `INSERT INTO mail_folder_state (mailbox_id, folder, uid_validity, last_uid, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (mailbox_id, folder) DO UPDATE SET uid_validity = excluded.uid_validity,
           last_uid = excluded.last_uid, updated_at = excluded.updated_at`,
        [mailboxId, folder, s.uidValidity, s.lastUid, at],
      );
    },
  };
}

export function createServerMailSink(deps: ServerSinkDeps): MailSink & {
  ingest(raw: Buffer, mailboxId: string): Promise<IngestResult>;
} {
  const { storage, clock } = deps;
  const { prepare } = createMailPreparer({
    threadKey: deps.threadKey,
    maxBytes: deps.maxBytes,
    lookup: serverMailLookup(storage),
    files: {
      async put(data, mime, known) {
        const sha256 = known ?? sha256Of(data);
        await storeBlob(storage, { sha256, data, mime, userId: MAIL_INTAKE_ACTOR.id, now: clock() });
        // Thumbnails are made by the PCs that download the image.
        return { sha256, hasThumb: false };
      },
    },
  });

  /** A group of prepared messages in one writer transaction; a refused one is answered alone. */
  async function commitAll(ps: PreparedMail[]): Promise<(IngestResult | Error)[]> {
    const { value, newVersion } = await withWriter(storage, { clock }, async (w) => {
      const out: (IngestResult | Error)[] = [];
      const handled: unknown[][] = [];
      const parked: ParkedMail[] = [];
      const done = (
        p: PreparedMail,
        outcome: IngestOutcome,
        reportId: string | null,
        code: string | null,
      ) => {
        handled.push([p.mailboxId, p.mailKey, p.messageId, p.kind, reportId]);
        out.push({ outcome, kind: p.kind, reportId, code, mailKey: p.mailKey });
      };
      for (const p of ps) {
        const { step } = p;
        if (step.type === 'seen') {
          out.push({
            outcome: 'duplicate',
            kind: p.kind,
            reportId: step.reportId,
            code: null,
            mailKey: p.mailKey,
          });
          continue;
        }
        if (step.type === 'skip') {
          done(p, 'skipped', null, null);
          continue;
        }
        if (step.type === 'park') {
          // A report that exists already (a PC that pulled the mailbox itself) needs no review.
          if (await serverMailLookup(w.tx).reportExists(step.reportId)) {
            done(p, 'duplicate', step.reportId, null);
            continue;
          }
          parked.push({
            mailboxId: p.mailboxId,
            mailKey: p.mailKey,
            reportId: step.reportId,
            args: step.args,
          });
          done(p, 'parked', step.reportId, null);
          continue;
        }
        const type = step.type;
        const name = STEP_MUTATION[type];
        const run = await w.mutate(name, step.args, MAIL_INTAKE_ACTOR);
        if (run.status === 'applied') {
          if (deps.onApplied) await deps.onApplied(w, { name, value: run.value, changes: run.changes });
          const code =
            type === 'create' ? ((run.value as { code?: string } | undefined)?.code ?? null) : null;
          done(p, type === 'create' ? 'created' : type, step.reportId, code);
        } else if (run.error?.code === 'conflict') {
          // Its ids are taken: another node (or this one before a crash) already committed it.
          done(p, 'duplicate', p.kind === 'report' ? reportIdOf(p.mailKey) : step.reportId, null);
        } else {
          out.push(new Error(run.error?.message ?? 'Messaggio rifiutato.'));
        }
      }
      // In the same statement as mail_messages: parked and recorded together, or neither.
      if (parked.length > 0) w.alsoWrite(parkWrite(parked, clock()));
      if (handled.length > 0) {
        const col = (i: number) => handled.map((r) => r[i]);
        w.alsoWrite({
          sql: `INSERT INTO mail_messages (mailbox_id, mail_key, message_id, kind, report_id, at)
                SELECT mb, mk, mid, k, r, $6 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                  AS x(mb, mk, mid, k, r)
                ON CONFLICT (mailbox_id, mail_key) DO NOTHING`,
          params: [col(0), col(1), col(2), col(3), col(4), clock()],
        });
      }
      return out;
    });
    if (newVersion !== null) deps.onCommitted?.(newVersion);
    return value;
  }

  return {
    prepare,
    commitAll,
    async ingest(raw, mailboxId) {
      const [r] = await commitAll([await prepare(raw, { mailboxId })]);
      if (r instanceof Error) throw r;
      return r!;
    },
  };
}

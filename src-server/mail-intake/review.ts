/**
 * The review inbox ("Da revisionare") of the mailboxes the sync server pulls: the sink
 * parks a would-be report in `mail_review` (files already in the blob store, the
 * report.receiveMail arguments ready, the deterministic report id); clerks on synced PCs
 * list, confirm or discard it through POST /mail-in/v1/call. The rules are the PC's
 * (src-main/mail/review.ts): the same item shape, the same arguments, the same
 * permission; only the storage differs.
 *
 * A confirmation runs the mutation in a writer transaction, as the clerk: the log, the
 * automation rules and the mail-out hook see an ordinary new report. Writers hold
 * WRITE_LOCK, so two confirmations of one message (on any server process) run one after
 * the other: the second finds the row decided and is told so, never a second report.
 */
import type { ReviewItem } from '../../src-shared/api/calls-mail';
import { DomainError, type Actor } from '../../src-shared/domain';
import { requireStaff } from '../../src-shared/domain/permissions';
import { assertStillPending, confirmedArgs, reviewItemOf } from '../../src-main/mail/review';
import { withWriter, type AppliedHook } from '../apply';
import type { Queryable, Storage } from '../storage/storage';

export interface ServerReviewDeps {
  storage: Storage;
  clock: () => number;
  /** The server's push hook (mail-out): a new report may queue a receipt to its citizen. */
  onApplied?: AppliedHook;
  /** After a commit that wrote rows: poke the replicas. */
  onCommitted?: (newVersion: number) => void;
}

export interface ParkedMail {
  mailboxId: string;
  mailKey: string;
  reportId: string;
  args: Record<string, unknown>;
}

/** The INSERT of parked messages, for the sink's writer transaction (alsoWrite). */
export function parkWrite(parked: ParkedMail[], at: number) {
  return {
    sql: `INSERT INTO mail_review (mailbox_id, mail_key, report_id, received_at, args)
          SELECT mb, mk, r, $4, a::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $5::text[])
            AS x(mb, mk, r, a)
          ON CONFLICT DO NOTHING`,
    params: [
      parked.map((p) => p.mailboxId),
      parked.map((p) => p.mailKey),
      parked.map((p) => p.reportId),
      at,
      parked.map((p) => JSON.stringify(p.args)),
    ],
  };
}

export async function listServerReviews(q: Queryable, actor: Actor): Promise<ReviewItem[]> {
  requireStaff(actor, 'vedere i messaggi da revisionare');
  const rows = await q.query<{
    mailbox_id: string;
    report_id: string;
    received_at: string | number;
    args: Record<string, unknown>;
    mailbox_name: string | null;
  }>(
    `SELECT r.mailbox_id, r.report_id, r.received_at, r.args, m.name AS mailbox_name
       FROM mail_review r LEFT JOIN mail_mailboxes m ON m.id = r.mailbox_id
      WHERE r.status = 'pending' ORDER BY r.received_at, r.mail_key LIMIT 200`,
  );
  return rows.map((r) =>
    reviewItemOf(
      { reportId: r.report_id, mailboxId: r.mailbox_id, receivedAt: Number(r.received_at), args: r.args },
      r.mailbox_name ?? undefined,
    ),
  );
}

interface ReviewRow {
  report_id: string;
  args: Record<string, unknown>;
  status: 'pending' | 'confirmed' | 'discarded';
  decided_by: string | null;
}

async function lockedRow(q: Queryable, reportId: string): Promise<ReviewRow> {
  const [row] = await q.query<ReviewRow>(
    'SELECT report_id, args, status, decided_by FROM mail_review WHERE report_id = $1 FOR UPDATE',
    [reportId],
  );
  if (!row) throw new DomainError('not_found', 'Messaggio non trovato tra quelli da revisionare.');
  return row;
}

async function codeOf(q: Queryable, reportId: string): Promise<string | null> {
  const [r] = await q.query<{ code: string | null }>(
    `SELECT data->>'code' AS code FROM sync_rows WHERE tbl = 'reports' AND key = $1 AND NOT deleted`,
    [reportId],
  );
  return r?.code ?? null;
}

async function nameOf(q: Queryable, userId: string | null): Promise<string> {
  if (!userId) return 'un altro operatore';
  const [r] = await q.query<{ name: string | null }>(
    `SELECT data->>'fullName' AS name FROM sync_rows WHERE tbl = 'users' AND key = $1`,
    [userId],
  );
  return r?.name || 'un altro operatore';
}

const decide = (
  reportId: string,
  d: { status: 'confirmed' | 'discarded'; by: string; at: number; note: string | null },
) => ({
  sql: `UPDATE mail_review SET status = $1, decided_by = $2, decided_at = $3, note = $4
         WHERE report_id = $5 AND status = 'pending'`,
  params: [d.status, d.by, d.at, d.note, reportId],
});

export async function confirmServerReview(
  deps: ServerReviewDeps,
  actor: Actor,
  input: { reportId: string; categoryId: string; address: string; lat: number | null; lon: number | null },
): Promise<{ id: string; code: string }> {
  requireStaff(actor, 'confermare i messaggi da revisionare');
  const { clock } = deps;
  const { value, newVersion } = await withWriter(deps.storage, { clock }, async (w) => {
    const row = await lockedRow(w.tx, input.reportId);
    const id = row.report_id;
    if (row.status === 'discarded')
      throw new DomainError('conflict', 'Il messaggio è stato scartato: non può diventare una segnalazione.');
    if (row.status === 'confirmed') {
      const code = await codeOf(w.tx, id);
      // The same clerk again (an answer lost on the way): the same answer.
      if (code && row.decided_by === actor.id) return { id, code };
      throw new DomainError(
        'conflict',
        `Il messaggio è già stato confermato da ${await nameOf(w.tx, row.decided_by)}` +
          (code ? `: è la segnalazione ${code}.` : '.'),
      );
    }
    const name = 'report.receiveMail';
    const run = await w.mutate(name, confirmedArgs(row.args, input), actor);
    const decision = { status: 'confirmed' as const, by: actor.id, at: clock(), note: null };
    if (run.status !== 'applied') {
      // Its id is taken: the report exists already (a PC that pulled the same mailbox itself).
      const code = run.error?.code === 'conflict' ? await codeOf(w.tx, id) : null;
      if (!code) throw new DomainError((run.error?.code ?? 'validation') as 'validation', run.error!.message);
      w.alsoWrite(decide(id, decision));
      return { id, code };
    }
    if (deps.onApplied) await deps.onApplied(w, { name, value: run.value, changes: run.changes });
    w.alsoWrite(decide(id, decision));
    return { id, code: (run.value as { code: string }).code };
  });
  if (newVersion !== null) deps.onCommitted?.(newVersion);
  return value;
}

export async function discardServerReview(
  deps: ServerReviewDeps,
  actor: Actor,
  input: { reportId: string; reason: string },
): Promise<{ ok: true }> {
  requireStaff(actor, 'scartare i messaggi da revisionare');
  // In a writer transaction too: a confirmation of the same message waits, or is waited for.
  await withWriter(deps.storage, { clock: deps.clock }, async (w) => {
    const row = await lockedRow(w.tx, input.reportId);
    assertStillPending(row.status);
    const d = decide(row.report_id, {
      status: 'discarded',
      by: actor.id,
      at: deps.clock(),
      note: input.reason || null,
    });
    await w.tx.query(d.sql, d.params);
  });
  return { ok: true };
}

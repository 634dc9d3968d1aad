/**
 * The server's mail_outbox. Claiming is what makes one email go out once for the whole
 * municipality even with several server processes on one PostgreSQL: a claim is one
 * autocommitted UPDATE whose rows were picked with FOR UPDATE SKIP LOCKED, so two
 * processes claiming at the same moment get disjoint rows, and a row another process
 * claimed a moment ago is no longer due (its status is `sending` and recent: the
 * re-check READ COMMITTED does on a row changed under it drops it).
 */
import {
  outboxFields,
  type OutboxRow as PcOutboxRow,
  type OutboxStatus,
} from '../../src-main/mail-out/outbox-repo';
import type { Queryable } from '../storage/storage';
import type { ServerEmail } from './compose';
import type { SqlPart } from '../row-source';

export type { OutboxStatus };

/** A PC's outbox row without its local retry columns (the server keeps those in SQL). */
export type OutboxRow = Omit<PcOutboxRow, 'nextAttemptAt' | 'sendingSince'>;

type Raw = Record<string, unknown>;
const toRow = (r: Raw): OutboxRow => outboxFields(r, (v) => v);

/** The INSERT of a push's emails, sent with the batch's rows in one statement (Writer.alsoWrite). */
export function insertEmails(emails: ServerEmail[], now: number): SqlPart {
  return {
    sql: `INSERT INTO mail_outbox (id, report_id, kind, to_address, subject, text, html, message_id, headers,
            attachments, status, attempts, next_attempt_at, created_at)
          SELECT e->>'id', e->>'reportId', e->>'kind', e->>'to', e->>'subject', e->>'text', e->>'html',
                 e->>'messageId', e->'headers', e->'attachments', 'queued', 0, $2, $2
            FROM jsonb_array_elements($1::jsonb) AS e`,
    params: [JSON.stringify(emails), now],
  };
}

export async function claimDue(
  q: Queryable,
  now: number,
  staleMs: number,
  limit: number,
): Promise<OutboxRow[]> {
  const rows = await q.query<Raw>(
    `UPDATE mail_outbox SET status = 'sending', sending_since = $1, attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM mail_outbox
         WHERE (status = 'queued' AND next_attempt_at <= $1) OR (status = 'sending' AND sending_since <= $2)
         ORDER BY next_attempt_at, created_at
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
      RETURNING *`,
    [now, now - staleMs, limit],
  );
  return rows.map(toRow);
}

export async function nextDueAt(q: Queryable): Promise<number | null> {
  const [r] = await q.query<{ t: string | number | null }>(
    `SELECT min(next_attempt_at) AS t FROM mail_outbox WHERE status = 'queued'`,
  );
  return r?.t === null || r?.t === undefined ? null : Number(r.t);
}

/** Only a row this claim still holds (`sending`) is marked: a late answer never undoes a Riprova. */
export async function markSent(q: Queryable, id: string, now: number): Promise<void> {
  await q.query(
    `UPDATE mail_outbox SET status = 'sent', sent_at = $2, sending_since = NULL, last_error = NULL
      WHERE id = $1 AND status = 'sending'`,
    [id, now],
  );
}

export async function markRetry(q: Queryable, id: string, nextAt: number, error: string): Promise<void> {
  await q.query(
    `UPDATE mail_outbox SET status = 'queued', next_attempt_at = $2, sending_since = NULL, last_error = $3
      WHERE id = $1 AND status = 'sending'`,
    [id, nextAt, error],
  );
}

export async function markFailed(q: Queryable, id: string, error: string): Promise<void> {
  await q.query(
    `UPDATE mail_outbox SET status = 'failed', sending_since = NULL, last_error = $2
      WHERE id = $1 AND status = 'sending'`,
    [id, error],
  );
}

/** "Riprova": a failed row goes back to the queue with a fresh count of attempts. */
export async function requeue(q: Queryable, id: string, now: number): Promise<boolean> {
  const r = await q.query(
    `UPDATE mail_outbox SET status = 'queued', attempts = 0, next_attempt_at = $2, last_error = NULL
      WHERE id = $1 AND status = 'failed' RETURNING id`,
    [id, now],
  );
  return r.length === 1;
}

export async function getEmail(q: Queryable, id: string): Promise<OutboxRow | null> {
  const [r] = await q.query<Raw>('SELECT * FROM mail_outbox WHERE id = $1', [id]);
  return r ? toRow(r) : null;
}

export async function emailsOfReport(q: Queryable, reportId: string): Promise<OutboxRow[]> {
  return (
    await q.query<Raw>('SELECT * FROM mail_outbox WHERE report_id = $1 ORDER BY created_at, id', [reportId])
  ).map(toRow);
}

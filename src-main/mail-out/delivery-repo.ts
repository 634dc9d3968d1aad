/**
 * Delivery trouble of reporters' addresses, from what is already stored: the mail
 * entries of their own reports' logs (bounces and PEC receipts thread back to the
 * report whose email they concern) and the outbox rows the SMTP server refused.
 * Indexed reads only: report_reporters by reporter, log_entries by report_seq, the
 * outbox's failed rows by status.
 */
import {
  addressTrouble,
  smtpFailureEvent,
  type DeliveryEvent,
  type DeliveryTrouble,
} from '../../src-shared/mail-out';
import type { Sqlite } from '../db/migrate';
import { stmt } from '../db/repos/stmt';

/** The two reads, exported so the test can check their query plans. */
export const TROUBLE_SQL = {
  log: `SELECT l.at, l.action, l.data FROM report_reporters rr
          JOIN log_entries l ON l.report_seq = rr.report_seq
         WHERE rr.reporter_id = ? AND l.action IN ('mail_bounce', 'pec_receipt', 'mail_in', 'mail_received')`,
  refused: `SELECT last_error, created_at FROM mail_outbox WHERE status = 'failed' AND to_address = ?`,
};

export interface ReporterTrouble extends DeliveryTrouble {
  reporterId: string;
  email: string;
}

/** The reporters' addresses, lower-cased (what the outbox rows are addressed to). */
export function reporterEmails(db: Sqlite, reporterIds: readonly string[]): string[] {
  const emailOf = stmt(db, 'SELECT email FROM reporters WHERE id = ?');
  const out = new Set<string>();
  for (const id of new Set(reporterIds)) {
    const email = (emailOf.get(id) as { email: string | null } | undefined)?.email?.trim().toLowerCase();
    if (email) out.add(email);
  }
  return [...out];
}

/**
 * `serverRefusals`: on a synced PC, what the sync server's outbox saw refused (the PC's
 * own outbox is empty there), as rows like the local read's.
 */
export function reporterDeliveryTrouble(
  db: Sqlite,
  reporterIds: readonly string[],
  serverRefusals: readonly { to: string; lastError: string | null; createdAt: number }[] = [],
): ReporterTrouble[] {
  const out: ReporterTrouble[] = [];
  const emailOf = stmt(db, 'SELECT email FROM reporters WHERE id = ?');
  const logOf = stmt(db, TROUBLE_SQL.log);
  const refused = stmt(db, TROUBLE_SQL.refused);
  for (const id of new Set(reporterIds)) {
    const email = (emailOf.get(id) as { email: string | null } | undefined)?.email?.trim().toLowerCase();
    if (!email) continue;
    const events: DeliveryEvent[] = (
      logOf.all(id) as { at: number; action: string; data: string | null }[]
    ).map((r) => ({
      at: r.at,
      action: r.action,
      data: r.data ? (JSON.parse(r.data) as Record<string, unknown>) : null,
    }));
    for (const r of refused.all(email) as { last_error: string | null; created_at: number }[])
      events.push(smtpFailureEvent(email, r.last_error, r.created_at));
    for (const r of serverRefusals)
      if (r.to === email) events.push(smtpFailureEvent(email, r.lastError, r.createdAt));
    const t = addressTrouble(events, email);
    if (t) out.push({ reporterId: id, email, ...t });
  }
  return out;
}

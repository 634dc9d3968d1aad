/**
 * The review inbox ("Da revisionare"). A mailbox with review on parks each would-be
 * report (files stored, mutation arguments ready, deterministic report id) instead of
 * creating it. A clerk then confirms category and place, which creates the report with
 * that same id, exactly once (a second confirmation, or another installation that
 * already created it, finds the id taken), or discards it; either decision stays
 * recorded with who made it and when.
 *
 * The parked rows live on the installation that pulls the mailbox (as the rest of the
 * intake's bookkeeping): standalone, that is the PC itself. The report a confirmation
 * creates is ordinary business data and replicates like any other mutation.
 */
import type { ReviewItem } from '../../src-shared/api/calls-mail';
import { DomainError, type Actor } from '../../src-shared/domain';
import { requireStaff } from '../../src-shared/domain/permissions';
import type { CoreServices } from '../core/context';
import { listMailboxes } from './mailboxes-repo';
import { decideReview, pendingReviews, reviewByReportId, type ReviewRow } from './review-repo';

type Services = Pick<CoreServices, 'db' | 'store' | 'clock'>;

interface ParkedArgs {
  channel: 'email' | 'pec';
  title: string;
  description: string;
  categoryId: string | null;
  attachments: { fileName: string; size: number }[];
  mail: { subject: string; from: { name: string; address: string } | null };
}

export function listReviewItems(s: Services, actor: Actor): ReviewItem[] {
  requireStaff(actor, 'vedere i messaggi da revisionare');
  const names = new Map(listMailboxes(s.db).map((m) => [m.id, m.name]));
  return pendingReviews(s.db).map((r) => reviewItemOf(r, names.get(r.mailboxId)));
}

/** What the clerk sees of a parked message (here and on the sync server). */
export function reviewItemOf(
  r: Pick<ReviewRow, 'reportId' | 'mailboxId' | 'receivedAt' | 'args'>,
  mailboxName: string | undefined,
): ReviewItem {
  const a = r.args as unknown as ParkedArgs;
  return {
    reportId: r.reportId,
    mailboxId: r.mailboxId,
    mailboxName: mailboxName ?? 'Casella eliminata',
    receivedAt: r.receivedAt,
    channel: a.channel,
    title: a.title,
    description: a.description,
    from: a.mail.from,
    subject: a.mail.subject,
    // The original .eml is always there; the clerk cares about the citizen's files.
    attachments: a.attachments
      .filter((x) => x.fileName !== 'messaggio-originale.eml' && x.fileName !== 'messaggio.html')
      .map((x) => ({ fileName: x.fileName, size: x.size })),
    categoryId: a.categoryId,
  };
}

/** The report.receiveMail arguments of a confirmation: the parked ones, the clerk's category and place. */
export function confirmedArgs(
  parked: Record<string, unknown>,
  input: { categoryId: string; address: string; lat: number | null; lon: number | null },
): Record<string, unknown> {
  return { ...parked, categoryId: input.categoryId, address: input.address, lat: input.lat, lon: input.lon };
}

const codeOf = (s: Services, id: string) =>
  (s.db.prepare('SELECT code FROM reports WHERE id = ?').get(id) as { code: string } | undefined)?.code ??
  null;

export function confirmReview(
  s: Services,
  actor: Actor,
  input: { reportId: string; categoryId: string; address: string; lat: number | null; lon: number | null },
): { id: string; code: string } {
  requireStaff(actor, 'confermare i messaggi da revisionare');
  const row = reviewByReportId(s.db, input.reportId);
  if (!row) throw new DomainError('not_found', 'Messaggio non trovato tra quelli da revisionare.');
  if (row.status === 'discarded')
    throw new DomainError('conflict', 'Il messaggio è stato scartato: non può diventare una segnalazione.');
  const existing = codeOf(s, row.reportId);
  if (row.status === 'confirmed' && existing) return { id: row.reportId, code: existing };
  try {
    return s.db.transaction(() => {
      const out = s.store.mutate('report.receiveMail', confirmedArgs(row.args, input), actor);
      decideReview(s.db, row.reportId, { status: 'confirmed', by: actor.id, at: s.clock(), note: null });
      return { id: row.reportId, code: (out.value as { code: string }).code };
    })();
  } catch (e) {
    // The report exists already (another PC of the municipality confirmed it): done.
    const code = e instanceof DomainError && e.code === 'conflict' ? codeOf(s, row.reportId) : null;
    if (!code) throw e;
    decideReview(s.db, row.reportId, { status: 'confirmed', by: actor.id, at: s.clock(), note: null });
    return { id: row.reportId, code };
  }
}

/** A parked message someone already decided cannot be decided again (PC and server alike). */
export function assertStillPending(status: string): void {
  if (status !== 'pending')
    throw new DomainError(
      'conflict',
      status === 'confirmed'
        ? 'Il messaggio è già diventato una segnalazione.'
        : 'Il messaggio è già stato scartato.',
    );
}

export function discardReview(
  s: Services,
  actor: Actor,
  input: { reportId: string; reason: string },
): { ok: true } {
  requireStaff(actor, 'scartare i messaggi da revisionare');
  const row = reviewByReportId(s.db, input.reportId);
  if (!row) throw new DomainError('not_found', 'Messaggio non trovato tra quelli da revisionare.');
  assertStillPending(row.status);
  decideReview(s.db, row.reportId, {
    status: 'discarded',
    by: actor.id,
    at: s.clock(),
    note: input.reason || null,
  });
  return { ok: true };
}

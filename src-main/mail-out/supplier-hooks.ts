/**
 * Emails of forwarding ("Inoltra") and of colleague notifications, written into
 * mail_outbox inside the mutation's transaction on the node that sends (the standalone
 * PC; see service.ts), like the citizens' notifications in compose.ts.
 *
 * With a sync server, PCs neither derive nor send (isAuthority is false): the server
 * composes the same emails when it applies the mutation (src-server/mail-out/compose.ts).
 */
import type { ForwardValue } from '../../src-shared/domain/mutations/suppliers';
import { deriveColleagueNotices, renderColleagueEmail, renderForwardEmail } from '../../src-shared/mail-out';
import type { AppliedHook } from '../core/store';
import type { Sqlite } from '../db/migrate';
import { getGroup, getReportState, getUser, loadSnapshot } from '../db/repos/entities';
import { mintMessageId } from '../mail/threading';
import { AUTO_HEADERS, type ComposeDeps } from './compose';
import { queueEmail } from './outbox-repo';
import { getSmtp } from './settings-repo';

/** "Strada › Buca": the category with its parent. */
export function categoryLabel(db: Sqlite, categoryId: string | null): string | null {
  if (!categoryId) return null;
  const snap = loadSnapshot(db, { categories: [categoryId] });
  const c = snap.categories.get(categoryId);
  if (!c) return null;
  const parent = c.parentId ? snap.categories.get(c.parentId) : undefined;
  return parent ? `${parent.name} › ${c.name}` : c.name;
}

export function queueForward(d: ComposeDeps, v: ForwardValue, now: number): void {
  const st = getReportState(d.db, v.reportId);
  if (!st) return;
  const r = st.report;
  const mail = renderForwardEmail({
    facts: {
      code: r.code,
      title: r.title,
      description: r.description,
      category: categoryLabel(d.db, r.categoryId),
      address: r.address,
      lat: r.lat,
      lon: r.lon,
      priority: r.priority,
      dueAt: r.dueAt,
      ente: d.ente(),
    },
    recipientName: v.recipient.organisation
      ? `${v.recipient.name} (${v.recipient.organisation})`
      : v.recipient.name,
    message: v.message,
    reporters: v.reporters,
  });
  queueEmail(
    d.db,
    {
      id: v.emailId,
      reportId: v.reportId,
      kind: 'forward',
      to: v.recipient.email,
      ...mail,
      // Signed with the report's id: the supplier's answer threads back to it.
      messageId: mintMessageId(d.threadKey(), v.reportId),
      headers: {},
      attachments: v.attachments,
    },
    now,
  );
}

/** One email per notified colleague who asked for them and has an address. */
export function queueColleagueEmails(d: ComposeDeps, e: Parameters<AppliedHook>[0]): void {
  const notices = deriveColleagueNotices(e.changes, (g) => getGroup(d.db, g)?.memberIds ?? []);
  if (notices.length === 0) return;
  for (const n of notices) {
    const user = getUser(d.db, n.userId);
    if (!user || !user.active || !user.notifyByEmail || !user.email) continue;
    const st = getReportState(d.db, n.entry.reportId);
    if (!st) continue;
    const actor = getUser(d.db, n.entry.actorId);
    const mail = renderColleagueEmail({
      kind: n.kind,
      code: st.report.code,
      title: st.report.title,
      actorName:
        typeof n.entry.data?.byRule === 'string'
          ? `La regola «${n.entry.data.byRule}»`
          : (actor?.fullName ?? 'Sportello'),
      groupName: n.groupId ? (getGroup(d.db, n.groupId)?.name ?? null) : null,
      noteText: n.kind === 'mention' ? n.entry.text : null,
      userName: user.fullName,
      ente: d.ente(),
    });
    queueEmail(
      d.db,
      {
        id: d.newId(),
        reportId: st.report.id,
        kind: 'colleague',
        to: user.email,
        ...mail,
        messageId: mintMessageId(d.threadKey(), st.report.id),
        headers: AUTO_HEADERS,
        attachments: [],
      },
      e.now,
    );
  }
}

/**
 * An automation rule's "Inoltra via email a": the rule logged 'rule_mail_requested' on
 * the report (in the same mutation); the email goes to the address-book entry if it is
 * still active. Reporters' data are never included by a rule.
 */
export function queueRuleForwards(d: ComposeDeps, e: Parameters<AppliedHook>[0]): void {
  for (const c of e.changes) {
    if (c.table !== 'log_entries' || c.op !== 'put' || c.row.action !== 'rule_mail_requested') continue;
    const data = c.row.data ?? {};
    const recipientId = typeof data.forwardToRecipientId === 'string' ? data.forwardToRecipientId : null;
    if (!recipientId) continue;
    const entry = loadSnapshot(d.db, { addressBook: [recipientId] }).addressBook.get(recipientId);
    if (!entry?.active) continue;
    const rule = typeof data.byRule === 'string' ? data.byRule : '';
    queueForward(
      d,
      {
        emailId: d.newId(),
        reportId: c.row.reportId,
        recipient: { id: entry.id, name: entry.name, organisation: entry.organisation, email: entry.email },
        message: rule ? `Inoltro automatico (regola «${rule}»).` : 'Inoltro automatico.',
        attachments: [],
        reporters: [],
      },
      e.now,
    );
  }
}

export function supplierMailHook(d: ComposeDeps, isAuthority: () => boolean): AppliedHook {
  return (e) => {
    if (!isAuthority()) return;
    if (e.name === 'report.forward') queueForward(d, e.value as ForwardValue, e.now);
    // Like the citizens' notifications: nothing piles up while no SMTP account is set up.
    if (!getSmtp(d.db)?.enabled) return;
    queueRuleForwards(d, e);
    queueColleagueEmails(d, e);
  };
}

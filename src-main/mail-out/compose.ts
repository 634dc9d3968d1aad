/**
 * From a mutation to the emails it causes, written into mail_outbox inside the
 * mutation's own transaction (see store.onApplied): either the report and its emails
 * are saved together, or neither is.
 */
import type { Report } from '../../src-shared/domain';
import {
  DEFAULT_NOTIFICATION_TEMPLATES,
  deriveNotifications,
  notificationEnabled,
  renderEmail,
  type NotificationKind,
  type RecipientFacts,
  type ReportFacts,
} from '../../src-shared/mail-out';
import type { AppliedHook } from '../core/store';
import type { Sqlite } from '../db/migrate';
import { getReportState, loadSnapshot } from '../db/repos/entities';
import { mergedReports } from '../db/repos/merged-read';
import { mintMessageId } from '../mail/threading';
import { queueEmail, type OutgoingAttachment } from './outbox-repo';
import { getSmtp, listRules, notificationTemplate } from './settings-repo';

/** Automatic emails say so, so that auto-responders and Exchange do not answer them. */
export const AUTO_HEADERS: Record<string, string> = {
  'Auto-Submitted': 'auto-generated',
  'X-Auto-Response-Suppress': 'All',
};

export interface ComposeDeps {
  db: Sqlite;
  newId: () => string;
  threadKey: () => Buffer;
  ente: () => string;
}

export interface Recipient extends RecipientFacts {
  email: string;
}

/** What report.logReply hands back: the composed answer and who gets it. */
export interface ReplyValue {
  emailId: string;
  reportId: string;
  recipients: Recipient[];
  subject: string;
  text: string;
  attachments: OutgoingAttachment[];
}

function categoryPath(db: Sqlite, categoryId: string | null): { name: string | null; path: string[] } {
  const path: string[] = [];
  let name: string | null = null;
  let id = categoryId;
  while (id && !path.includes(id)) {
    const c = loadSnapshot(db, { categories: [id] }).categories.get(id);
    if (!c) break;
    if (name === null) name = c.name;
    path.push(id);
    id = c.parentId;
  }
  return { name, path };
}

function factsOf(d: ComposeDeps, report: Report, at: number) {
  const cat = categoryPath(d.db, report.categoryId);
  const outcome = report.outcomeId
    ? loadSnapshot(d.db, { outcomes: [report.outcomeId] }).outcomes.get(report.outcomeId)
    : undefined;
  const facts: ReportFacts = {
    code: report.code,
    title: report.title,
    categoryName: cat.name,
    address: report.address,
    outcomeLabel: outcome?.label ?? null,
    closingNote: report.closingNote,
    at,
    ente: d.ente(),
  };
  return { facts, categoryPath: cat.path };
}

/** Every reporter of the report with an email, in the report's order, each address once. */
export function reportRecipients(
  db: Sqlite,
  reporterIds: readonly string[],
): (Recipient & { reporterId: string })[] {
  const snap = loadSnapshot(db, { reporters: [...reporterIds] });
  const seen = new Set<string>();
  const out: (Recipient & { reporterId: string })[] = [];
  for (const id of reporterIds) {
    const r = snap.reporters.get(id);
    const email = r?.email?.trim().toLowerCase();
    if (!r || !email || seen.has(email)) continue;
    seen.add(email);
    out.push({ reporterId: id, email, nome: r.nome, cognome: r.cognome });
  }
  return out;
}

function queueNotification(d: ComposeDeps, kind: NotificationKind, reportId: string, now: number): void {
  const st = getReportState(d.db, reportId);
  if (!st) return;
  const { facts, categoryPath: path } = factsOf(d, st.report, now);
  if (!notificationEnabled(listRules(d.db), kind, path)) return;
  const custom = notificationTemplate(d.db, kind);
  const template = custom ?? DEFAULT_NOTIFICATION_TEMPLATES[kind];
  const reporterIds = st.reporters.map((r) => r.reporterId);
  // Closing a main report answers the citizens of every report merged into it too.
  if (kind === 'closure') {
    for (const m of mergedReports(d.db, reportId)) {
      const links = getReportState(d.db, m.id)?.reporters ?? [];
      reporterIds.push(...links.map((r) => r.reporterId));
    }
  }
  const recipients = reportRecipients(d.db, reporterIds);
  for (const to of recipients) {
    const mail = renderEmail(template, facts, to);
    queueEmail(
      d.db,
      {
        id: d.newId(),
        reportId,
        kind,
        to: to.email,
        ...mail,
        messageId: mintMessageId(d.threadKey(), reportId),
        headers: AUTO_HEADERS,
        attachments: [],
      },
      now,
    );
  }
}

function queueReply(d: ComposeDeps, v: ReplyValue, now: number): void {
  const st = getReportState(d.db, v.reportId);
  if (!st) return;
  const { facts } = factsOf(d, st.report, now);
  v.recipients.forEach((to, i) => {
    const mail = renderEmail({ subject: v.subject, body: v.text }, facts, to);
    queueEmail(
      d.db,
      {
        // The first recipient's row carries the id the log entry names.
        id: i === 0 ? v.emailId : d.newId(),
        reportId: v.reportId,
        kind: 'reply',
        to: to.email,
        ...mail,
        messageId: mintMessageId(d.threadKey(), v.reportId),
        headers: {},
        attachments: v.attachments,
      },
      now,
    );
  });
}

/**
 * The hook for store.onApplied on the node that sends. Notifications are derived only
 * when an SMTP account is configured and enabled: an installation that never set one
 * up does not pile up receipts to send years later.
 */
export function mailOutHook(d: ComposeDeps, isAuthority: () => boolean): AppliedHook {
  return (e) => {
    if (!isAuthority()) return;
    if (e.name === 'report.logReply') queueReply(d, e.value as ReplyValue, e.now);
    const triggers = deriveNotifications(e.changes);
    if (triggers.length === 0) return;
    const smtp = getSmtp(d.db);
    if (!smtp?.enabled) return;
    for (const t of triggers) queueNotification(d, t.kind, t.reportId, e.now);
  };
}

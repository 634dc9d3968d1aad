/**
 * An automation rule's "Invia il modello di risposta": the rule logged
 * 'rule_mail_requested' with a replyTemplateId in the mutation that created (or
 * changed) the report; on the node that sends, in that mutation's transaction, every
 * reporter with an email gets the template exactly as «Rispondi» sends it when the clerk
 * leaves the template's text unchanged: same kind, subject, text, placeholders per
 * citizen, threading id, no automatic headers.
 *
 * Templates are settings of the sending node (like «Rispondi»'s), so the template is
 * read here, not in the pure mutation. A synced PC never sends (isAuthority false): the
 * sync server does, from its own templates (src-server/mail-out/compose.ts).
 */
import type { Report } from '../../src-shared/domain';
import { renderEmail, type ReportFacts } from '../../src-shared/mail-out';
import type { AppliedHook } from '../core/store';
import { getReportState, loadSnapshot } from '../db/repos/entities';
import { mintMessageId } from '../mail/threading';
import { reportRecipients, type ComposeDeps } from './compose';
import { queueEmail } from './outbox-repo';
import { getSmtp, getTemplate } from './settings-repo';

/** The report's facts as compose.ts builds them for «Rispondi». */
function replyFacts(d: ComposeDeps, report: Report, at: number): ReportFacts {
  const snap = loadSnapshot(d.db, {
    categories: report.categoryId ? [report.categoryId] : [],
    outcomes: report.outcomeId ? [report.outcomeId] : [],
  });
  return {
    code: report.code,
    title: report.title,
    categoryName: report.categoryId ? (snap.categories.get(report.categoryId)?.name ?? null) : null,
    address: report.address,
    outcomeLabel: report.outcomeId ? (snap.outcomes.get(report.outcomeId)?.label ?? null) : null,
    closingNote: report.closingNote,
    at,
    ente: d.ente(),
  };
}

export function queueRuleReplies(d: ComposeDeps, e: Parameters<AppliedHook>[0]): number {
  let queued = 0;
  for (const c of e.changes) {
    if (c.table !== 'log_entries' || c.op !== 'put' || c.row.action !== 'rule_mail_requested') continue;
    const templateId = c.row.data?.replyTemplateId;
    if (typeof templateId !== 'string') continue;
    // A template deactivated or deleted since the rule was written: nothing is sent.
    const template = getTemplate(d.db, templateId);
    if (!template || template.kind !== 'reply' || !template.active) continue;
    const st = getReportState(d.db, c.row.reportId);
    if (!st) continue;
    const facts = replyFacts(d, st.report, e.now);
    for (const to of reportRecipients(
      d.db,
      st.reporters.map((r) => r.reporterId),
    )) {
      const mail = renderEmail({ subject: template.subject, body: template.body }, facts, to);
      queueEmail(
        d.db,
        {
          id: d.newId(),
          reportId: st.report.id,
          kind: 'reply',
          to: to.email,
          ...mail,
          messageId: mintMessageId(d.threadKey(), st.report.id),
          headers: {},
          attachments: [],
        },
        e.now,
      );
      queued++;
    }
  }
  return queued;
}

export function ruleReplyHook(d: ComposeDeps, isAuthority: () => boolean): AppliedHook {
  return (e) => {
    if (!isAuthority()) return;
    // Like the other automatic emails: nothing piles up while no SMTP account is set up.
    if (!getSmtp(d.db)?.enabled) return;
    queueRuleReplies(d, e);
  };
}

/**
 * The emails a mutation applied by the server causes, composed from the very state the
 * mutation left (the push batch's RowSource) with the same pure renderers as a
 * standalone PC (src-shared/mail-out; compare src-main/mail-out/compose.ts,
 * supplier-hooks.ts and rule-replies.ts, which read SQLite instead). The caller writes
 * them into mail_outbox in the push transaction: the mutation and its emails commit
 * together or not at all, and a duplicate push is answered from mutation_log without
 * running the mutation again, so no email is composed twice.
 */
import type { Change } from '../../src-shared/domain';
import type { Report } from '../../src-shared/domain';
import type { ForwardValue } from '../../src-shared/domain/mutations/suppliers';
import {
  DEFAULT_NOTIFICATION_TEMPLATES,
  deriveColleagueNotices,
  deriveNotifications,
  notificationEnabled,
  renderColleagueEmail,
  renderEmail,
  renderForwardEmail,
  type RecipientFacts,
  type ReportFacts,
} from '../../src-shared/mail-out';
import { mintMessageId } from '../../src-main/mail/threading';
import type { RowSource } from '../row-source';
import { loadSnapshot } from '../snapshot';
import { notificationTemplate, type MailSettings } from './settings';
import type { OutgoingAttachment, OutgoingEmail } from '../../src-main/mail-out/outbox-repo';

export type { OutgoingAttachment };

/** The same email as a PC's outbox holds (one shape on both ends). */
export type ServerEmail = OutgoingEmail;

export interface AppliedMutation {
  name: string;
  value: unknown;
  changes: Change[];
  now: number;
}

export interface ComposeEnv {
  src: RowSource;
  /** Read at most once per push transaction (cached by the caller). */
  settings: () => Promise<MailSettings>;
  threadKey: Buffer;
  newId: () => string;
}

const AUTO_HEADERS: Record<string, string> = {
  'Auto-Submitted': 'auto-generated',
  'X-Auto-Response-Suppress': 'All',
};

interface ReplyValue {
  emailId: string;
  reportId: string;
  recipients: (RecipientFacts & { email: string })[];
  subject: string;
  text: string;
  attachments: OutgoingAttachment[];
}

const ruleRequests = (changes: readonly Change[]) =>
  changes.flatMap((c) =>
    c.table === 'log_entries' && c.op === 'put' && c.row.action === 'rule_mail_requested' ? [c.row] : [],
  );

/** Cheap test on the changes alone: most mutations cause no email and read nothing more. */
export function mayCauseEmail(e: AppliedMutation): boolean {
  if (e.name === 'report.logReply' || e.name === 'report.forward') return true;
  for (const c of e.changes) {
    if (c.table !== 'log_entries' || c.op !== 'put') continue;
    const a = c.row.action;
    if (a === 'created' || a === 'status_changed' || a === 'closed' || a === 'assigned') return true;
    if (a === 'rule_mail_requested' || (c.row.mentions?.length ?? 0) > 0) return true;
  }
  return false;
}

export async function composeEmails(env: ComposeEnv, e: AppliedMutation): Promise<ServerEmail[]> {
  if (!mayCauseEmail(e)) return [];
  const out: ServerEmail[] = [];
  const settings = await env.settings();
  const ente = settings.smtp?.fromName || 'Comune';
  const msgId = (reportId: string) => mintMessageId(env.threadKey, reportId);

  const reportOf = async (id: string) => (await loadSnapshot(env.src, { reports: [id] })).reports.get(id);
  const factsOf = async (report: Report, at: number): Promise<{ facts: ReportFacts; path: string[] }> => {
    const snap = await loadSnapshot(env.src, {
      categories: report.categoryId ? [report.categoryId] : [],
      outcomes: report.outcomeId ? [report.outcomeId] : [],
    });
    // loadSnapshot brings a category's parent along (one level, as categories have).
    const path: string[] = [];
    let id = report.categoryId;
    while (id && !path.includes(id) && snap.categories.has(id)) {
      path.push(id);
      id = snap.categories.get(id)!.parentId;
    }
    const cat = report.categoryId ? snap.categories.get(report.categoryId) : undefined;
    return {
      facts: {
        code: report.code,
        title: report.title,
        categoryName: cat?.name ?? null,
        address: report.address,
        outcomeLabel: report.outcomeId ? (snap.outcomes.get(report.outcomeId)?.label ?? null) : null,
        closingNote: report.closingNote,
        at,
        ente,
      },
      path,
    };
  };
  /** Every reporter with an email, in order, each address once (as compose.ts). */
  const recipientsOf = async (reporterIds: string[]) => {
    const snap = await loadSnapshot(env.src, { reporters: reporterIds });
    const seen = new Set<string>();
    const list: (RecipientFacts & { email: string })[] = [];
    for (const id of reporterIds) {
      const r = snap.reporters.get(id);
      const email = r?.email?.trim().toLowerCase();
      if (!r || !email || seen.has(email)) continue;
      seen.add(email);
      list.push({ email, nome: r.nome, cognome: r.cognome });
    }
    return list;
  };

  // Rispondi: queued whether or not SMTP is set up yet (the log already says it was sent;
  // it waits for the account like an email waits for a server that is down).
  if (e.name === 'report.logReply') {
    const v = e.value as ReplyValue;
    const st = await reportOf(v.reportId);
    if (st) {
      const { facts } = await factsOf(st.report, e.now);
      v.recipients.forEach((to, i) => {
        const mail = renderEmail({ subject: v.subject, body: v.text }, facts, to);
        out.push({
          id: i === 0 ? v.emailId : env.newId(),
          reportId: v.reportId,
          kind: 'reply',
          to: to.email,
          ...mail,
          messageId: msgId(v.reportId),
          headers: {},
          attachments: v.attachments,
        });
      });
    }
  }
  if (e.name === 'report.forward') out.push(...(await forwardEmail(env, e.value as ForwardValue, ente)));

  // The automatic ones only while an SMTP account is enabled: nothing piles up before.
  if (!settings.smtp?.enabled) return out;

  for (const t of deriveNotifications(e.changes)) {
    const st = await reportOf(t.reportId);
    if (!st) continue;
    const { facts, path } = await factsOf(st.report, e.now);
    if (!notificationEnabled(settings.rules, t.kind, path)) continue;
    const template = notificationTemplate(settings, t.kind) ?? DEFAULT_NOTIFICATION_TEMPLATES[t.kind];
    const reporterIds = st.reporters.map((r) => r.reporterId);
    if (t.kind === 'closure') {
      // Closing a main report answers the citizens of the reports merged into it too.
      for (const m of await mergedInto(env.src, t.reportId)) {
        reporterIds.push(...(m.reporters ?? []));
      }
    }
    for (const to of await recipientsOf(reporterIds)) {
      out.push({
        id: env.newId(),
        reportId: t.reportId,
        kind: t.kind,
        to: to.email,
        ...renderEmail(template, facts, to),
        messageId: msgId(t.reportId),
        headers: AUTO_HEADERS,
        attachments: [],
      });
    }
  }

  for (const req of ruleRequests(e.changes)) {
    const data = req.data ?? {};
    const st = await reportOf(req.reportId);
    if (!st) continue;
    if (typeof data.replyTemplateId === 'string') {
      const tpl = settings.templates.find((x) => x.id === data.replyTemplateId);
      if (tpl && tpl.kind === 'reply' && tpl.active) {
        const { facts } = await factsOf(st.report, e.now);
        for (const to of await recipientsOf(st.reporters.map((r) => r.reporterId))) {
          out.push({
            id: env.newId(),
            reportId: st.report.id,
            kind: 'reply',
            to: to.email,
            ...renderEmail({ subject: tpl.subject, body: tpl.body }, facts, to),
            messageId: msgId(st.report.id),
            headers: {},
            attachments: [],
          });
        }
      }
    }
    if (typeof data.forwardToRecipientId === 'string') {
      const id = data.forwardToRecipientId;
      const entry = (await loadSnapshot(env.src, { addressBook: [id] })).addressBook.get(id);
      if (entry?.active) {
        const rule = typeof data.byRule === 'string' ? data.byRule : '';
        out.push(
          ...(await forwardEmail(
            env,
            {
              emailId: env.newId(),
              reportId: req.reportId,
              recipient: {
                id: entry.id,
                name: entry.name,
                organisation: entry.organisation,
                email: entry.email,
              },
              message: rule ? `Inoltro automatico (regola «${rule}»).` : 'Inoltro automatico.',
              attachments: [],
              reporters: [],
            },
            ente,
          )),
        );
      }
    }
  }

  out.push(...(await colleagueEmails(env, e, ente)));
  return out;
}

async function forwardEmail(env: ComposeEnv, v: ForwardValue, ente: string): Promise<ServerEmail[]> {
  const snap = await loadSnapshot(env.src, { reports: [v.reportId] });
  const r = snap.reports.get(v.reportId)?.report;
  if (!r) return [];
  const cat = r.categoryId ? snap.categories.get(r.categoryId) : undefined;
  const parent = cat?.parentId ? snap.categories.get(cat.parentId) : undefined;
  const mail = renderForwardEmail({
    facts: {
      code: r.code,
      title: r.title,
      description: r.description,
      category: cat ? (parent ? `${parent.name} › ${cat.name}` : cat.name) : null,
      address: r.address,
      lat: r.lat,
      lon: r.lon,
      priority: r.priority,
      dueAt: r.dueAt,
      ente,
    },
    recipientName: v.recipient.organisation
      ? `${v.recipient.name} (${v.recipient.organisation})`
      : v.recipient.name,
    message: v.message,
    reporters: v.reporters,
  });
  return [
    {
      id: v.emailId,
      reportId: v.reportId,
      kind: 'forward',
      to: v.recipient.email,
      ...mail,
      messageId: mintMessageId(env.threadKey, v.reportId),
      headers: {},
      attachments: v.attachments,
    },
  ];
}

/** One email per notified colleague who turned emails on and has an address. */
async function colleagueEmails(env: ComposeEnv, e: AppliedMutation, ente: string): Promise<ServerEmail[]> {
  const groupIds = new Set<string>();
  for (const c of e.changes) {
    if (
      c.table === 'log_entries' &&
      c.op === 'put' &&
      c.row.action === 'assigned' &&
      c.row.data?.kind === 'group'
    )
      groupIds.add(String(c.row.data.assigneeId ?? ''));
  }
  const groups = (await loadSnapshot(env.src, { groups: [...groupIds].filter(Boolean) })).groups;
  const notices = deriveColleagueNotices(e.changes, (g) => groups.get(g)?.memberIds ?? []);
  if (notices.length === 0) return [];
  const snap = await loadSnapshot(env.src, {
    users: [...new Set(notices.flatMap((n) => [n.userId, n.entry.actorId]))],
    reports: [...new Set(notices.map((n) => n.entry.reportId))],
  });
  const out: ServerEmail[] = [];
  for (const n of notices) {
    const user = snap.users.get(n.userId);
    if (!user || !user.active || !user.notifyByEmail || !user.email) continue;
    const st = snap.reports.get(n.entry.reportId);
    if (!st) continue;
    const actor = snap.users.get(n.entry.actorId);
    const mail = renderColleagueEmail({
      kind: n.kind,
      code: st.report.code,
      title: st.report.title,
      actorName:
        typeof n.entry.data?.byRule === 'string'
          ? `La regola «${n.entry.data.byRule}»`
          : (actor?.fullName ?? 'Sportello'),
      groupName: n.groupId ? (groups.get(n.groupId)?.name ?? null) : null,
      noteText: n.kind === 'mention' ? n.entry.text : null,
      userName: user.fullName,
      ente,
    });
    out.push({
      id: env.newId(),
      reportId: st.report.id,
      kind: 'colleague',
      to: user.email,
      ...mail,
      messageId: mintMessageId(env.threadKey, st.report.id),
      headers: AUTO_HEADERS,
      attachments: [],
    });
  }
  return out;
}

/** The reports merged into this one, directly or through others, with their reporters. */
async function mergedInto(src: RowSource, id: string): Promise<{ id: string; reporters: string[] }[]> {
  const found: { id: string; reporters: string[] }[] = [];
  const seen = new Set<string>([id]);
  let frontier = [id];
  while (frontier.length > 0) {
    const rows = await src.byField('reports', 'mergedInto', frontier);
    const next = rows.map((r) => r.key).filter((k) => !seen.has(k));
    next.forEach((k) => seen.add(k));
    if (next.length === 0) break;
    const links = await src.owned(['report_reporters'], next);
    for (const k of next)
      found.push({
        id: k,
        reporters: links
          .filter((l) => l.owner === k)
          .sort((a, b) => Number(a.data.position) - Number(b.data.position))
          .map((l) => String(l.data.reporterId)),
      });
    frontier = next;
  }
  return found;
}

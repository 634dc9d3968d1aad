/**
 * What matching rules do to a report, as row changes and log entries inside the
 * mutation that created (or changed) it. Every log entry names the rule that acted.
 *
 * No loops by construction: rules are evaluated once per mutation, all against the
 * change the person (or the mail intake) made, never against what another rule did;
 * and no action writes a field a condition reads (category, place, channel, text,
 * reporters). The sync server replays the same mutation, so its run is the one that
 * persists: a rule fires once per report per event, whichever PC made the change.
 */
import { dueAtFor } from '../dates';
import { STATUS_LABELS } from '../status';
import type { Actor, Report } from '../types';
import type { Change, MutationEnv, Snapshot } from '../mutations/framework';
import { logEntry } from '../mutations/framework';
import { matchingRules, ruleMatches, type AutomationRule, type RuleSubject } from './rules';

export interface RuleRun {
  report: Report;
  changes: Change[];
  fired: string[];
}

type Assigned = { kind: 'user' | 'group'; assigneeId: string }[];

function subjectOf(state: Snapshot, report: Report, reporterEmails: string[], at: number): RuleSubject {
  const category = report.categoryId ? state.categories.get(report.categoryId) : undefined;
  return {
    categoryId: report.categoryId,
    parentCategoryId: category?.parentId ?? null,
    lat: report.lat,
    lon: report.lon,
    channel: report.channel,
    title: report.title,
    description: report.description,
    reporterEmails,
    at,
  };
}

/** Rules on a report being created (report.create, a report made from an email). */
export function runRules(
  state: Snapshot,
  report: Report,
  assigned: Assigned,
  reporterEmails: string[],
  actor: Actor,
  env: MutationEnv,
  event: 'create' | 'update',
): RuleRun {
  const rules = matchingRules(state.rules, subjectOf(state, report, reporterEmails, env.now), event);
  return applyRules(state, report, rules, assigned, actor, env);
}

/**
 * Rules flagged "anche quando la segnalazione cambia", on a change: a rule fires when
 * the change makes it apply, i.e. it matches the report after the change and did not
 * match it before. Editing an unrelated field, or a second edit that keeps it
 * matching, does not fire it again (someone may have undone its assignment on
 * purpose). The time window is read at the report's creation both times: it says when
 * a report came in (night reports to the on-call team), not when a clerk edited it.
 * Closed and merged reports are left alone.
 */
export function runUpdateRules(
  state: Snapshot,
  before: { report: Report; reporterEmails: string[] },
  after: { report: Report; reporterEmails: string[] },
  assigned: Assigned,
  actor: Actor,
  env: MutationEnv,
): RuleRun {
  const report = after.report;
  if (state.rules.length === 0 || report.status === 'chiuso' || report.mergedInto) {
    return { report, changes: [], fired: [] };
  }
  const was = subjectOf(state, before.report, before.reporterEmails, before.report.createdAt);
  const now = subjectOf(state, report, after.reporterEmails, report.createdAt);
  const rules = matchingRules(state.rules, now, 'update').filter((r) => !ruleMatches(r, was));
  return applyRules(state, report, rules, assigned, actor, env);
}

function applyRules(
  state: Snapshot,
  report: Report,
  rules: AutomationRule[],
  assigned: Assigned,
  actor: Actor,
  env: MutationEnv,
): RuleRun {
  let current = report;
  const changes: Change[] = [];
  const have = new Set(assigned.map((a) => `${a.kind}:${a.assigneeId}`));
  for (const rule of rules) {
    const by = { byRule: rule.name, ruleId: rule.id };
    const assign = (kind: 'user' | 'group', id: string, name: string | undefined, ok: boolean) => {
      if (!ok || have.has(`${kind}:${id}`)) return;
      have.add(`${kind}:${id}`);
      changes.push(
        {
          op: 'put',
          table: 'report_assignments',
          row: { reportId: report.id, kind, assigneeId: id, assignedAt: env.now, assignedBy: actor.id },
        },
        logEntry(env, actor, report.id, 'assigned', { kind, assigneeId: id, name: name ?? null, ...by }),
      );
    };
    for (const id of rule.actions.assignUserIds) {
      const u = state.users.get(id);
      assign('user', id, u?.fullName, !!u && u.active);
    }
    for (const id of rule.actions.assignGroupIds) {
      const g = state.groups.get(id);
      assign('group', id, g?.name, !!g && g.active);
    }
    if (rule.actions.takeInCharge && current.status === 'nuovo') {
      changes.push(
        logEntry(env, actor, report.id, 'status_changed', {
          before: 'nuovo',
          after: 'in_gestione',
          label: `${STATUS_LABELS.nuovo} → ${STATUS_LABELS.in_gestione}`,
          ...by,
        }),
      );
      current = { ...current, status: 'in_gestione' };
    }
    const fieldChanges: { field: string; label: string; before: unknown; after: unknown }[] = [];
    if (rule.actions.priority && rule.actions.priority !== current.priority) {
      fieldChanges.push({
        field: 'priority',
        label: 'Priorità',
        before: current.priority,
        after: rule.actions.priority,
      });
      current = { ...current, priority: rule.actions.priority };
    }
    if (rule.actions.daysToClose) {
      const dueAt = dueAtFor(current.createdAt, rule.actions.daysToClose);
      if (dueAt !== current.dueAt) {
        fieldChanges.push({ field: 'dueAt', label: 'Scadenza', before: current.dueAt, after: dueAt });
        current = { ...current, dueAt };
      }
    }
    if (fieldChanges.length)
      changes.push(logEntry(env, actor, report.id, 'updated', { changes: fieldChanges, ...by }));
    if (rule.actions.note) {
      changes.push(
        logEntry(env, actor, report.id, 'note', by, { kind: 'note', text: rule.actions.note, mentions: [] }),
      );
    }
    // Emails are sent by the node that sends mail (see mail-out): the request is recorded here.
    if (rule.actions.forwardToRecipientId || rule.actions.replyTemplateId) {
      changes.push(
        logEntry(env, actor, report.id, 'rule_mail_requested', {
          forwardToRecipientId: rule.actions.forwardToRecipientId,
          replyTemplateId: rule.actions.replyTemplateId,
          ...by,
        }),
      );
    }
  }
  return { report: current, changes, fired: rules.map((r) => r.name) };
}

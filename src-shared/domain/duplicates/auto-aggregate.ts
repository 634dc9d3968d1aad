/**
 * Automatic aggregation at creation: a rule with the action "aggrega ai duplicati"
 * merges the new report into its best likely duplicate (same category, within the
 * rule's metres and hours, optionally with a reporter of the same email). Pure, inside
 * report.create, so the sync server's replay decides the same way from the same rows.
 */
import { matchingRules } from '../automations/rules';
import type { Change, MutationEnv, Snapshot } from '../mutations/framework';
import { mergeChanges } from '../mutations/merge';
import type { Actor, Report } from '../types';
import { rankDuplicates } from './rank';

/** The largest radius an active aggregation rule asks for (0 = no such rule). */
export function aggregationRadius(rules: Snapshot['rules']): number {
  return Math.max(0, ...rules.map((r) => r.actions.aggregate?.radiusM ?? 0));
}

export function autoAggregate(
  state: Snapshot,
  report: Report,
  reporterEmails: readonly string[],
  actor: Actor,
  env: MutationEnv,
): { report: Report; changes: Change[] } {
  const none = { report, changes: [] };
  if (!report.categoryId || report.lat === null || report.lon === null) return none;
  if (state.duplicateCandidates.length === 0) return none;
  const category = state.categories.get(report.categoryId);
  const rules = matchingRules(
    state.rules,
    {
      categoryId: report.categoryId,
      parentCategoryId: category?.parentId ?? null,
      lat: report.lat,
      lon: report.lon,
      channel: report.channel,
      title: report.title,
      description: report.description,
      reporterEmails: [...reporterEmails],
      at: env.now,
    },
    'create',
  ).filter((r) => r.actions.aggregate);
  const emails = new Set(reporterEmails.map((e) => e.trim().toLowerCase()));
  for (const rule of rules) {
    const a = rule.actions.aggregate!;
    if (a.sameReporterEmail && emails.size === 0) continue;
    const candidates = state.duplicateCandidates
      .filter(
        (c) =>
          c.report.id !== report.id &&
          c.report.categoryId === report.categoryId &&
          !c.report.mergedInto &&
          // A closed report answered its citizens already: a new one stays on its own.
          (c.report.status === 'nuovo' || c.report.status === 'in_gestione') &&
          (!a.sameReporterEmail ||
            c.reporters.some((l) => {
              const e = state.reporters.get(l.reporterId)?.email?.trim().toLowerCase();
              return !!e && emails.has(e);
            })),
      )
      .map((c) => c.report);
    const ranked = rankDuplicates(
      {
        categoryId: report.categoryId,
        lat: report.lat,
        lon: report.lon,
        at: env.now,
        around: false,
        text: `${report.title} ${report.description}`,
      },
      { radiusM: a.radiusM, days: a.hours / 24 },
      candidates,
    );
    const best = ranked[0]?.candidate;
    if (!best) continue;
    const [row, ...changes] = mergeChanges(best, report, actor, env, { byRule: rule.name, ruleId: rule.id });
    return { report: row!.row as Report, changes };
  }
  return none;
}

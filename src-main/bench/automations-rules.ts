/**
 * Rules "anche quando la segnalazione cambia", for suite `automations` (its runner,
 * automations.ts, saves the 200 rules and measures them on creation; this adds the
 * cost on a change). Per report: the snapshot report.update loads (the report, its
 * reporters, the rules) and both evaluations it makes, before and after the change.
 * A change of category, the kind of edit that makes rules apply.
 */
import { runUpdateRules } from '../../src-shared/domain/automations/apply';
import type { Actor, Report } from '../../src-shared/domain';
import { createUuidV7 } from '../../src-shared/domain';
import type { Sqlite } from '../db/migrate';
import { loadSnapshot } from '../db/repos/entities';
import { reporterEmails } from '../../src-shared/domain/mutations/helpers';
import { percentile, sample } from './stats';

export async function measureRulesOnUpdate(
  db: Sqlite,
  reports: readonly Report[],
  categoryIds: readonly string[],
  actor: Actor,
  put: (name: string, value: number, unit?: 'ms' | 'count') => void,
  warmup = 30,
): Promise<void> {
  // Every rule an update can fire, as the rules on a change must be flagged.
  db.prepare('UPDATE automation_rules SET on_update = 1').run();
  const ids = createUuidV7();
  let fired = 0;
  const samples = await sample(reports.length, Math.min(warmup, reports.length), async (i) => {
    const before = reports[i % reports.length]!;
    const categoryId = categoryIds[i % categoryIds.length]!;
    const state = loadSnapshot(db, { reports: [before.id], categories: [categoryId], automations: true });
    const st = state.reports.get(before.id)!;
    const emails = reporterEmails(state, st.reporters);
    const run = runUpdateRules(
      state,
      { report: { ...st.report, status: 'nuovo' }, reporterEmails: emails },
      { report: { ...st.report, status: 'nuovo', categoryId }, reporterEmails: emails },
      st.assignments,
      actor,
      { now: before.updatedAt, newId: ids, allocateCode: () => before.code },
    );
    fired += run.fired.length;
  });
  put('rules_on_update_ms', percentile(samples, 50));
  put('rules_on_update_p95_ms', percentile(samples, 95));
  put('rules_on_update_fired_avg', fired / (reports.length + Math.min(warmup, reports.length)), 'count');
}

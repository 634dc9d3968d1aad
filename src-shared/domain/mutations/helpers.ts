import { fail } from '../errors';
import { requireSeeReport } from '../permissions';
import type { Actor, Report } from '../types';
import type { Change, MutationEnv, ReportState, Snapshot } from './framework';

export function loadReport(state: Snapshot, actor: Actor, id: string): ReportState {
  const r = state.reports.get(id);
  if (!r) return fail('not_found', 'Segnalazione non trovata.');
  requireSeeReport(actor, r.assignments);
  return r;
}

/** A merged report is read-only: work happens on the main one. */
export function requireNotMerged(report: Report): void {
  if (report.mergedInto) {
    fail('conflict', `La segnalazione ${report.code} è aggregata a un'altra: modifica quella principale.`);
  }
}

export function touch(report: Report, actor: Actor, env: MutationEnv, patch: Partial<Report>): Change {
  return {
    op: 'put',
    table: 'reports',
    row: { ...report, ...patch, updatedAt: env.now, updatedBy: actor.id },
  };
}

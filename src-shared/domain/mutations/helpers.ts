import { dueAtFor } from '../dates';
import { fail } from '../errors';
import { requireSeeReport } from '../permissions';
import type { Actor, Report, ReportReporter } from '../types';
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

/** A new report as entered: Nuovo, with the category's deadline. One shape for every way in. */
export function newReportRow(
  fields: Pick<
    Report,
    | 'id'
    | 'code'
    | 'title'
    | 'description'
    | 'categoryId'
    | 'address'
    | 'lat'
    | 'lon'
    | 'channel'
    | 'priority'
  >,
  category: { daysToClose: number | null } | null | undefined,
  actor: Actor,
  env: MutationEnv,
): Report {
  return {
    ...fields,
    status: 'nuovo',
    outcomeId: null,
    closingNote: null,
    dueAt: dueAtFor(env.now, category?.daysToClose),
    mergedInto: null,
    mergedFromStatus: null,
    createdBy: actor.id,
    createdAt: env.now,
    updatedBy: actor.id,
    updatedAt: env.now,
    closedAt: null,
  };
}

/** The email addresses of a report's reporters that the snapshot holds. */
export function reporterEmails(state: Snapshot, links: readonly ReportReporter[]): string[] {
  return links.map((l) => state.reporters.get(l.reporterId)?.email ?? null).filter((e): e is string => !!e);
}

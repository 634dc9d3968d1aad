/**
 * Aggregation of duplicates. report.merge makes reports "aggregata" under a main one;
 * report.unmerge gives one back exactly as it was.
 *
 * Nothing moves: a merged report keeps its reporters, attachments and log rows, and the
 * main report's detail (and its closure notice) reads through the reports merged into
 * it. So un-merging is exact by construction: it restores the status kept in
 * mergedFromStatus and drops the alias that made the merged code open the main report
 * (and find it in the search).
 */
import { z } from 'zod';
import { fail } from '../errors';
import { requireMajorEdits, requireStaff } from '../permissions';
import { zId } from '../schemas';
import { STATUS_LABELS } from '../status';
import type { Actor, Report } from '../types';
import { defineMutation, logEntry, type Change, type MutationEnv } from './framework';
import { loadReport } from './helpers';

/** Who acted, when a rule did (automatic aggregation). */
export type ByRule = { byRule: string; ruleId: string } | Record<string, never>;

/** The rows and log entries that put `merged` under `main`. Both are already checked. */
export function mergeChanges(
  main: Report,
  merged: Report,
  actor: Actor,
  env: MutationEnv,
  by: ByRule = {},
): Change[] {
  return [
    {
      op: 'put',
      table: 'reports',
      row: {
        ...merged,
        status: 'aggregata',
        mergedInto: main.id,
        mergedFromStatus: merged.status,
        updatedAt: env.now,
        updatedBy: actor.id,
      },
    },
    // The merged code opens the main report and finds it in the search.
    { op: 'put', table: 'report_codes', row: { code: merged.code, reportId: main.id } },
    logEntry(env, actor, merged.id, 'merged_into', {
      mainId: main.id,
      mainCode: main.code,
      statusBefore: merged.status,
      label: `${STATUS_LABELS[merged.status]} → ${STATUS_LABELS.aggregata}`,
      ...by,
    }),
    logEntry(env, actor, main.id, 'merged', {
      reportId: merged.id,
      code: merged.code,
      title: merged.title,
      ...by,
    }),
  ];
}

export const reportMerge = defineMutation({
  name: 'report.merge',
  args: z.object({
    mainId: zId,
    reportIds: z.array(zId).min(1, { message: 'Scegli almeno una segnalazione da aggregare.' }).max(50),
  }),
  reads: (a) => ({ reports: [a.mainId, ...a.reportIds] }),
  apply(state, a, actor, env) {
    requireStaff(actor, 'aggregare segnalazioni');
    requireMajorEdits(actor);
    const main = loadReport(state, actor, a.mainId).report;
    if (main.mergedInto) {
      fail(
        'conflict',
        `La segnalazione ${main.code} è già aggregata a un'altra: scegli come principale una segnalazione non aggregata.`,
      );
    }
    const changes: Change[] = [];
    const seen = new Set<string>();
    for (const id of a.reportIds) {
      if (seen.has(id)) continue;
      seen.add(id);
      if (id === a.mainId)
        fail('validation', 'La segnalazione principale non può essere aggregata a sé stessa.');
      const r = loadReport(state, actor, id).report;
      if (r.mergedInto) {
        fail(
          'conflict',
          `La segnalazione ${r.code} è già aggregata a un'altra: separala prima di aggregarla qui.`,
        );
      }
      changes.push(...mergeChanges(main, r, actor, env));
    }
    return { changes, touchedReports: [a.mainId, ...seen], value: { mainId: a.mainId } };
  },
});

export const reportUnmerge = defineMutation({
  name: 'report.unmerge',
  args: z.object({ reportId: zId }),
  reads: (a) => ({ reports: [a.reportId] }),
  apply(state, a, actor, env) {
    requireStaff(actor, 'separare segnalazioni aggregate');
    requireMajorEdits(actor);
    const r = loadReport(state, actor, a.reportId).report;
    if (!r.mergedInto || r.status !== 'aggregata') {
      fail('conflict', `La segnalazione ${r.code} non è aggregata a nessun'altra.`);
    }
    const mainId = r.mergedInto!;
    const status = r.mergedFromStatus ?? 'nuovo';
    return {
      changes: [
        {
          op: 'put',
          table: 'reports',
          row: {
            ...r,
            status,
            mergedInto: null,
            mergedFromStatus: null,
            updatedAt: env.now,
            updatedBy: actor.id,
          },
        },
        { op: 'delete', table: 'report_codes', row: { code: r.code, reportId: mainId } },
        logEntry(env, actor, r.id, 'unmerged', {
          mainId,
          statusAfter: status,
          label: `${STATUS_LABELS.aggregata} → ${STATUS_LABELS[status]}`,
        }),
        logEntry(env, actor, mainId, 'unmerged_from', { reportId: r.id, code: r.code, title: r.title }),
      ],
      touchedReports: [mainId, r.id],
      value: { mainId },
    };
  },
});

import type { CallName, DuplicateView } from '../../src-shared/api';
import { DomainError, requireStaff } from '../../src-shared/domain';
import type { DuplicateProbe, RankedDuplicate } from '../../src-shared/domain/duplicates/rank';
import { duplicateWindow } from '../../src-shared/domain/duplicates/rank';
import { findDuplicates, type DuplicateRow } from '../db/repos/duplicates';
import { getReportState } from '../db/repos/entities';
import { mergedReports } from '../db/repos/merged-read';
import { toCategory } from '../db/repos/rows';
import { canSeeReport } from '../../src-shared/domain';
import type { Sqlite } from '../db/migrate';
import type { PartialHandlers } from './handler-types';

type Calls = Extract<CallName, `duplicates.${string}`>;

const OK = { ok: true as const };

function windowOf(db: Sqlite, categoryId: string) {
  const row = db.prepare('SELECT * FROM categories WHERE id = ?').get(categoryId) as
    Record<string, unknown> | undefined;
  return duplicateWindow(row ? toCategory(row) : undefined);
}

const view = (d: RankedDuplicate<DuplicateRow>): DuplicateView => ({
  id: d.candidate.id,
  code: d.candidate.code,
  title: d.candidate.title,
  address: d.candidate.address,
  status: d.candidate.status,
  categoryId: d.candidate.categoryId,
  createdAt: d.candidate.createdAt,
  distanceM: Math.round(d.distanceM),
  similarity: Math.round(d.similarity * 100) / 100,
});

export const duplicateHandlers: PartialHandlers<Calls> = {
  'duplicates.suggest': (ctx, input) => {
    // Suppliers see only their own reports: suggestions would show them others.
    requireStaff(ctx.actor, 'cercare segnalazioni simili');
    let probe: DuplicateProbe;
    let exclude: string[] = [];
    if ('reportId' in input) {
      const st = getReportState(ctx.db, input.reportId);
      if (!st || !canSeeReport(ctx.actor, st.assignments))
        throw new DomainError('not_found', 'Segnalazione non trovata o non accessibile.');
      const r = st.report;
      if (r.mergedInto || !r.categoryId || r.lat === null || r.lon === null)
        return { rows: [], window: null };
      probe = {
        categoryId: r.categoryId,
        lat: r.lat,
        lon: r.lon,
        at: r.createdAt,
        around: true,
        text: `${r.title} ${r.description}`,
      };
      exclude = [r.id, ...mergedReports(ctx.db, r.id).map((m) => m.id)];
    } else {
      probe = {
        categoryId: input.categoryId,
        lat: input.lat,
        lon: input.lon,
        at: ctx.clock(),
        around: false,
        text: `${input.title} ${input.description}`,
      };
    }
    const window = windowOf(ctx.db, probe.categoryId);
    if (!window) return { rows: [], window: null };
    return { rows: findDuplicates(ctx.db, probe, { excludeIds: exclude }).map(view), window };
  },
  'duplicates.merge': (ctx, input) => {
    ctx.store.mutate('report.merge', input, ctx.actor);
    return OK;
  },
  'duplicates.unmerge': (ctx, input) => {
    ctx.store.mutate('report.unmerge', input, ctx.actor);
    return OK;
  },
};

import type { ReportFilters } from '../../src-shared/api';
import { OPEN_STATUSES } from '../../src-shared/domain/status';
import { romeDayStart } from './format';

/** What the filter panel edits: dates as <input type="date"> strings, one pick per select. */
export interface FilterForm {
  q: string;
  statuses: ReportFilters['statuses'];
  categoryParent: string;
  categoryChild: string;
  assigneeUserId: string;
  assigneeGroupId: string;
  channel: string;
  outcomeId: string;
  from: string;
  to: string;
  overdue: boolean;
}

export const defaultFilterForm = (): FilterForm => ({
  q: '',
  statuses: [...OPEN_STATUSES],
  categoryParent: '',
  categoryChild: '',
  assigneeUserId: '',
  assigneeGroupId: '',
  channel: '',
  outcomeId: '',
  from: '',
  to: '',
  overdue: false,
});

/**
 * The form as the contract's filters. A parent category alone means the parent id
 * (the core expands it to its children); "to" is inclusive for the person, so it
 * becomes the next midnight (the contract's end is exclusive).
 */
export function toFilters(f: FilterForm): ReportFilters {
  const category = f.categoryChild || f.categoryParent;
  return {
    q: f.q.trim(),
    statuses: [...f.statuses],
    categoryIds: category ? [category] : [],
    assigneeUserId: f.assigneeUserId || null,
    assigneeGroupId: f.assigneeGroupId || null,
    channels: f.channel ? [f.channel as ReportFilters['channels'][number]] : [],
    outcomeIds: f.outcomeId ? [f.outcomeId] : [],
    from: f.from ? romeDayStart(f.from) : null,
    to: f.to ? romeDayStart(f.to, true) : null,
    overdue: f.overdue,
  };
}

/** How many filters differ from the defaults (for the "Filtri (n)" toggle). */
export function activeFilterCount(f: FilterForm): number {
  const d = defaultFilterForm();
  let n = 0;
  if ([...f.statuses].sort().join() !== [...d.statuses].sort().join()) n++;
  if (f.categoryParent) n++;
  if (f.assigneeUserId) n++;
  if (f.assigneeGroupId) n++;
  if (f.channel) n++;
  if (f.outcomeId) n++;
  if (f.from || f.to) n++;
  if (f.overdue) n++;
  return n;
}

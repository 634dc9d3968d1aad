import type { ReportRow } from '../../../src-shared/api';
import { SORT_FIELDS } from '../../../src-shared/api';
import { api } from '../api/client';
import { changes } from './changes.svelte';
import { defaultFilterForm, toFilters, type FilterForm } from '../list-filters';
import { pagesFor, type VisibleRange } from '../virtual';

export type SortField = (typeof SORT_FIELDS)[number];
export interface Sort {
  field: SortField;
  dir: 'asc' | 'desc';
}

/** Rows fetched per request (the contract allows up to 500). */
export const PAGE_SIZE = 200;
/** Pages kept in memory; beyond this the farthest from the view are dropped. */
const MAX_PAGES = 60;

interface Page {
  gen: number;
  rows: ReportRow[];
}

/**
 * The list's state, kept across navigation so "back" from a detail finds the same
 * filters, rows and scroll position. Rows live in a page cache keyed by offset; a
 * filter or sort change starts a new generation (and asks for the total once).
 */
class ReportListStore {
  form = $state<FilterForm>(defaultFilterForm());
  sort = $state<Sort>({ field: 'createdAt', dir: 'desc' });
  total = $state<number | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);
  /** Bumped whenever a page arrives, so the view re-reads the cache. */
  version = $state(0);
  scrollTop = 0;

  private pages = new Map<number, Page>();
  private inflight = new Map<number, number>();
  private gen = 0;
  private key = '';
  private lastRange: VisibleRange = { start: 0, end: PAGE_SIZE };
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    changes.subscribe((c) => {
      if (c.tables.length === 0 || c.tables.some((t) => t.startsWith('report') || t === 'assignments')) {
        this.scheduleRefresh();
      }
    });
  }

  /** Call when filters or sort may have changed; no-op when they did not. */
  apply(): void {
    const key = JSON.stringify([toFilters(this.form), this.sort]);
    if (key === this.key) return;
    this.key = key;
    this.pages.clear();
    this.scrollTop = 0;
    this.lastRange = { start: 0, end: PAGE_SIZE };
    this.total = null;
    this.restart();
  }

  /** Refetch what is on screen, keeping stale rows visible until fresh ones arrive. */
  refresh(): void {
    if (!this.key) return;
    this.restart();
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    // Bursts of changes (a sync pull) collapse into one reload.
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.refresh();
    }, 400);
  }

  private restart(): void {
    this.gen++;
    this.inflight.clear();
    this.error = null;
    const first = Math.floor(this.lastRange.start / PAGE_SIZE);
    void this.fetchPage(first, true);
    this.ensure(this.lastRange);
  }

  ensure(range: VisibleRange): void {
    this.lastRange = range;
    for (const p of pagesFor(range, PAGE_SIZE)) {
      const have = this.pages.get(p);
      if (have && have.gen === this.gen) continue;
      if (this.inflight.get(p) === this.gen) continue;
      void this.fetchPage(p, false);
    }
  }

  private async fetchPage(page: number, withTotal: boolean): Promise<void> {
    const gen = this.gen;
    if (this.inflight.get(page) === gen && !withTotal) return;
    this.inflight.set(page, gen);
    this.loading = true;
    const res = await api.invoke('reports.list', {
      filters: toFilters(this.form),
      sort: this.sort,
      offset: page * PAGE_SIZE,
      limit: PAGE_SIZE,
      withTotal,
    });
    if (gen !== this.gen) return;
    this.inflight.delete(page);
    this.loading = this.inflight.size > 0;
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.pages.set(page, { gen, rows: res.value.rows });
    if (withTotal) {
      this.total =
        res.value.total ??
        page * PAGE_SIZE + res.value.rows.length + (res.value.rows.length === PAGE_SIZE ? PAGE_SIZE : 0);
    } else if (this.total !== null && res.value.rows.length < PAGE_SIZE) {
      // The list shrank since the count: trust the short page.
      const end = page * PAGE_SIZE + res.value.rows.length;
      if (end < this.total) this.total = end;
    }
    this.evict(page);
    this.version++;
  }

  private evict(center: number): void {
    if (this.pages.size <= MAX_PAGES) return;
    const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - center) - Math.abs(a - center));
    for (const p of far.slice(0, this.pages.size - MAX_PAGES)) this.pages.delete(p);
  }

  row(i: number): ReportRow | undefined {
    return this.pages.get(Math.floor(i / PAGE_SIZE))?.rows[i % PAGE_SIZE];
  }

  setSort(field: SortField): void {
    this.sort =
      this.sort.field === field
        ? { field, dir: this.sort.dir === 'asc' ? 'desc' : 'asc' }
        : { field, dir: field === 'createdAt' || field === 'dueAt' || field === 'priority' ? 'desc' : 'asc' };
    this.apply();
  }

  resetFilters(): void {
    this.form = defaultFilterForm();
    this.apply();
  }
}

export const reportList = new ReportListStore();

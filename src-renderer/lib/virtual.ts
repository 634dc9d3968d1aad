/**
 * Window math for the virtualised list: fixed row height, so every position is a
 * multiplication and scrolling over a million rows costs nothing but arithmetic.
 */
export interface VisibleRange {
  /** First row index to render (inclusive). */
  start: number;
  /** Last row index to render (exclusive). */
  end: number;
}

export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  overscan = 8,
): VisibleRange {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const count = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(total - 1, first - overscan));
  const end = Math.min(total, first + count + overscan);
  return { start, end: Math.max(start, end) };
}

/** Page indexes (of `pageSize` rows) that cover a row range. */
export function pagesFor(range: VisibleRange, pageSize: number): number[] {
  if (range.end <= range.start) return [];
  const first = Math.floor(range.start / pageSize);
  const last = Math.floor((range.end - 1) / pageSize);
  const out: number[] = [];
  for (let p = first; p <= last; p++) out.push(p);
  return out;
}

/**
 * Browsers cap an element's height (Chromium ~33.5M px). Past that, the scroll
 * position is scaled: the spacer stays under the cap and a scroll ratio maps it back.
 */
export const MAX_SCROLL_PX = 15_000_000;

export function scrollScale(total: number, rowHeight: number): number {
  const full = total * rowHeight;
  return full > MAX_SCROLL_PX ? full / MAX_SCROLL_PX : 1;
}

/** The row index a keyboard move lands on, clamped to the list. */
export function clampIndex(i: number, total: number): number {
  if (total <= 0) return -1;
  return Math.max(0, Math.min(total - 1, i));
}

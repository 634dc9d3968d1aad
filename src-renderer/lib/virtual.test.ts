import { describe, expect, it } from 'vitest';
import { clampIndex, MAX_SCROLL_PX, pagesFor, scrollScale, visibleRange } from './virtual';

describe('visibleRange', () => {
  it('covers the viewport plus overscan', () => {
    expect(visibleRange(0, 340, 34, 1000, 5)).toEqual({ start: 0, end: 16 });
    expect(visibleRange(3400, 340, 34, 1000, 5)).toEqual({ start: 95, end: 116 });
  });
  it('clamps at the end and for empty lists', () => {
    expect(visibleRange(34_000, 340, 34, 1000, 5)).toEqual({ start: 995, end: 1000 });
    expect(visibleRange(0, 340, 34, 0)).toEqual({ start: 0, end: 0 });
  });
  it('stays cheap at a million rows', () => {
    const r = visibleRange(34 * 999_990, 680, 34, 1_000_000, 8);
    expect(r.end).toBe(1_000_000);
    expect(r.end - r.start).toBeLessThan(40);
  });
});

describe('pagesFor', () => {
  it('lists the pages a range touches', () => {
    expect(pagesFor({ start: 190, end: 230 }, 200)).toEqual([0, 1]);
    expect(pagesFor({ start: 0, end: 200 }, 200)).toEqual([0]);
    expect(pagesFor({ start: 5, end: 5 }, 200)).toEqual([]);
  });
});

describe('scrollScale', () => {
  it('scales only past the browser height limit', () => {
    expect(scrollScale(1000, 34)).toBe(1);
    const s = scrollScale(1_000_000, 34);
    expect((1_000_000 * 34) / s).toBeCloseTo(MAX_SCROLL_PX);
  });
  it('clamps indexes', () => {
    expect(clampIndex(-3, 10)).toBe(0);
    expect(clampIndex(30, 10)).toBe(9);
    expect(clampIndex(0, 0)).toBe(-1);
  });
});
